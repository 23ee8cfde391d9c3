/**
 * Two CPUs submit one shared CSD to its owner at once (posted together, so the schedule decides
 * who gets there first):
 * - `async`: smp_call_function_single_async of the target's shared async CSD, under the
 *   submitters' exclusion (submit_shared_csd): one queues it, the other gets -EBUSY while it is in
 *   flight or queues it after the target took it — never both at once (B6);
 * - `dst`: smp_call_function_single(target, wait=0) on the destination's csd_data, which both
 *   senders share (the 2026 debug path): csd_lock serialises them (B11).
 */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import type { RealSystem } from '../real-system.js';
import { MAX_POSTS, type PropModel, type SmpCommand } from './model.js';

export type SharedCsdKind = 'async' | 'dst';

export class SharedCsdRaceCommand implements SmpCommand {
  constructor(readonly cpus: readonly [number, number], readonly target: number, readonly kind: SharedCsdKind) {}
  request(): SmpRequest {
    return this.kind === 'async'
      ? { kind: 'single_async', target: this.target, shared: true }
      : { kind: 'single', target: this.target, wait: false, dstCsd: true };
  }
  text(): string {
    return this.kind === 'async'
      ? `smp_call_function_single_async(${this.target}, csd=shared of cpu${this.target})`
      : `smp_call_function_single(${this.target}, wait=0, csd=csd_data of cpu${this.target})`;
  }
  check(m: Readonly<PropModel>): boolean {
    return this.cpus.every((c) => m.online[c] === true) && m.posts + 2 <= MAX_POSTS;
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
    return `cpu${this.cpus[0]}+cpu${this.cpus[1]}: ${this.text()}`;
  }
}

/** Two different submitters; the target may be one of them (then it also submits its own CSD). */
export function sharedCsdRaceArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n - 2), fc.nat(n - 1), fc.constantFrom<SharedCsdKind>('async', 'dst'))
    .map(([a, d, t, k]) => new SharedCsdRaceCommand([a, (a + 1 + d) % n], t, k));
}
