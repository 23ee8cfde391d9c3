/**
 * cpu_down(cpu) driven by CPU 0 (which never goes down): stop_machine, mark offline, dying flush
 * (smpcfd_dying_cpu), dead (smpcfd_dead_cpu frees the cfd). Calls posted before it race with it;
 * the command runs to quiescence so the model's online mask is exact afterwards.
 */
import fc from 'fast-check';
import { requestResult } from '../../impl/requests.js';
import type { RealSystem } from '../real-system.js';
import { settle, type PropModel, type SmpCommand } from './model.js';
import { HotplugError } from './hotplug-error.js';

export class CpuDownCommand implements SmpCommand {
  constructor(readonly cpu: number, readonly seed: number, readonly lateIpis: boolean) {}
  check(m: Readonly<PropModel>): boolean {
    return this.cpu >= 1 && m.online[this.cpu] === true && m.unsettled[this.cpu] !== true;
  }
  run(m: PropModel, r: RealSystem): void {
    const id = r.post(0, { kind: 'cpu_down', cpu: this.cpu }, `cpu_down(${this.cpu})`);
    r.quiesce(this.seed, this.lateIpis);
    settle(m);
    r.assertHolds();
    const rc = requestResult(r.sys.mem.m, r.sys.mem.L, id).rc;
    if (rc !== 0) throw new HotplugError(`cpu_down(${this.cpu}) returned ${rc}, expected 0`);
    m.online[this.cpu] = false;
  }
  toString(): string {
    return `cpu0: cpu_down(${this.cpu}), run to quiescence (seed ${this.seed}${this.lateIpis ? ', late IPIs' : ''})`;
  }
}

export function cpuDownArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.nat(0xffff), fc.boolean()).map(([c, s, l]) => new CpuDownCommand(c, s, l));
}
