/** Run to quiescence under a seeded random schedule, then check every invariant checkable there. */
import fc from 'fast-check';
import type { RealSystem } from '../real-system.js';
import { settle, type PropModel, type SmpCommand } from './model.js';

export class QuiesceCommand implements SmpCommand {
  constructor(readonly seed: number, readonly lateIpis: boolean) {}
  check(): boolean {
    return true;
  }
  run(m: PropModel, r: RealSystem): void {
    r.quiesce(this.seed, this.lateIpis);
    settle(m);
    r.assertHolds();
  }
  toString(): string {
    return `run to quiescence (schedule seed ${this.seed}${this.lateIpis ? ', late IPIs' : ''})`;
  }
}

export function quiesceArb(): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(0xffff), fc.boolean()).map(([s, l]) => new QuiesceCommand(s, l));
}
