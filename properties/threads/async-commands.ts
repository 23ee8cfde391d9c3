/**
 * The same generated commands, run on the threads runtime: every call and hotplug command posts,
 * then awaits quiescence and checks. Schedule steps and IPI deliveries have no meaning on real
 * threads (the hardware schedules), so they are disabled there.
 */
import type fc from 'fast-check';
import { requestResult } from '../../impl/requests.js';
import { CallCommand } from '../commands/call.js';
import { CpuDownCommand } from '../commands/cpu-down.js';
import { CpuUpCommand } from '../commands/cpu-up.js';
import { HotplugError } from '../commands/hotplug-error.js';
import { MAX_POSTS, settle, type PropModel, type SmpCommand } from '../commands/model.js';
import { QuiesceCommand } from '../commands/quiesce.js';
import type { ThreadsReal } from './threads-real.js';

export type AsyncSmpCommand = fc.AsyncCommand<PropModel, ThreadsReal>;

export class ThreadsCommand implements AsyncSmpCommand {
  constructor(readonly inner: SmpCommand) {}
  check(m: Readonly<PropModel>): boolean {
    const c = this.inner;
    if (c instanceof CallCommand) return m.online[c.cpu] === true && m.posts < MAX_POSTS;
    if (c instanceof CpuDownCommand || c instanceof CpuUpCommand || c instanceof QuiesceCommand) return c.check(m);
    return false;
  }
  async run(m: PropModel, r: ThreadsReal): Promise<void> {
    const c = this.inner;
    if (c instanceof CallCommand) {
      r.post(c.cpu, c.request(), c.text());
      m.posts++;
    } else if (c instanceof CpuDownCommand || c instanceof CpuUpCommand) {
      const down = c instanceof CpuDownCommand;
      const id = r.post(0, { kind: down ? 'cpu_down' : 'cpu_up', cpu: c.cpu }, `${down ? 'cpu_down' : 'cpu_up'}(${c.cpu})`);
      await r.quiesce();
      r.assertHolds();
      const rc = requestResult(r.sys.mem.m, r.sys.mem.L, id).rc;
      if (rc !== 0) throw new HotplugError(`${down ? 'cpu_down' : 'cpu_up'}(${c.cpu}) returned ${rc}, expected 0`);
      m.online[c.cpu] = !down;
      settle(m);
      return;
    }
    await r.quiesce();
    settle(m);
    r.assertHolds();
  }
  toString(): string {
    return this.inner.toString();
  }
}
