/**
 * A remote wakeup through the wakelist: ttwu_queue_wakelist of one of the caller's tasks on
 * another CPU, a TTWU entry on its call_single_queue that the flush runs last (sched_ttwu_pending):
 * - `plain`: the wakeup records its run (waking a task being woken gives -EBUSY, an offline CPU -ENXIO);
 * - `next`: the woken task's work is fn_ttwu_next, which wakes that CPU's callback task on the
 *   next CPU from hardirq (inside the flush).
 */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import type { SmpCommand } from './model.js';

export class TtwuCommand extends CallCommand {
  constructor(cpu: number, readonly target: number, readonly task: number, readonly next: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'ttwu', target: this.target, task: this.task, ...(this.next ? { func: 'fn_ttwu_next' as const } : {}) };
  }
  text(): string {
    return `ttwu_queue_wakelist(task ${this.task} of cpu${this.cpu}, ${this.target}${this.next ? ', fn_ttwu_next' : ''})`;
  }
}

/** Another CPU; two tasks per caller, so that waking one still being woken is frequent. */
export function ttwuArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n - 2), fc.nat(1), fc.boolean())
    .map(([c, d, k, next]) => new TtwuCommand(c, (c + 1 + d) % n, k, next));
}
