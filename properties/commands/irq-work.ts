/**
 * irq_work_queue_on(work, cpu) from task context, IRQ_WORK entries sharing the target's
 * call_single_queue with the CSDs:
 * - `plain`: the caller's own irq_work with fn_ping (reusing it while pending gives -EBUSY; an
 *   offline target -ENXIO);
 * - `next`: its func is fn_irq_work_next, which queues the request on the next CPU from hardirq
 *   (inside the target's flush) with that CPU's own callback irq_work;
 * - `race`: two CPUs queue one irq_work (the first's) at once: its claim, one atomic fetch_or,
 *   lets exactly one of them queue it while it is pending (the other gets -EBUSY).
 * Targets are other CPUs (the local path does not use call_single_queue).
 */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import type { RealSystem } from '../real-system.js';
import { CallCommand } from './call.js';
import { MAX_POSTS, type PropModel, type SmpCommand } from './model.js';

export type IrqWorkKind = 'plain' | 'next' | 'race';

export class IrqWorkCommand implements SmpCommand {
  constructor(readonly cpus: readonly number[], readonly target: number, readonly kind: IrqWorkKind) {}
  request(): SmpRequest {
    const owner = this.cpus[0] ?? 0;
    return this.kind === 'race' ? { kind: 'irq_work', target: this.target, owner }
      : this.kind === 'next' ? { kind: 'irq_work', target: this.target, func: 'fn_irq_work_next' }
        : { kind: 'irq_work', target: this.target };
  }
  text(): string {
    const owner = this.cpus[0] ?? 0;
    return `irq_work_queue_on(${this.kind === 'race' ? `work of cpu${owner}` : 'work'}, ${this.target}${this.kind === 'next' ? ', fn_irq_work_next' : ''})`;
  }
  check(m: Readonly<PropModel>): boolean {
    return this.cpus.every((c) => m.online[c] === true) && m.posts + this.cpus.length <= MAX_POSTS;
  }
  run(m: PropModel, r: RealSystem): void {
    for (const c of this.cpus) {
      r.post(c, this.request(), this.text());
      m.unsettled[c] = true;
      m.posts++;
    }
    r.assertHolds();
  }
  toString(): string {
    return `${this.cpus.map((c) => `cpu${c}`).join('+')}: ${this.text()}`;
  }
}

/** One caller (plain or next): a CallCommand, so the threads runtime's suite runs it too. */
export class IrqWorkCallCommand extends CallCommand {
  constructor(cpu: number, readonly target: number, readonly next: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return this.next ? { kind: 'irq_work', target: this.target, func: 'fn_irq_work_next' } : { kind: 'irq_work', target: this.target };
  }
  text(): string {
    return `irq_work_queue_on(work, ${this.target}${this.next ? ', fn_irq_work_next' : ''})`;
  }
}

/** Another CPU as the target; a race needs three CPUs (two queuers and a target), else it is plain. */
export function irqWorkArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n - 2), fc.nat(n - 1), fc.constantFrom<IrqWorkKind>('plain', 'next', 'race'))
    .map(([c, d, e, k]): SmpCommand => {
      const t = (c + 1 + d) % n;
      if (k !== 'race' || n < 3) return new IrqWorkCallCommand(c, t, k === 'next');
      const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== c && i !== t);
      return new IrqWorkCommand([c, others[e % others.length] ?? c], t, 'race');
    });
}
