/**
 * Deliver one CPU's pending IPI now (if one is pending and its interrupts are on): lets fast-check
 * choose when interrupts arrive relative to the callers' steps, including "late" IPIs.
 */
import fc from 'fast-check';
import type { RealSystem } from '../real-system.js';
import type { PropModel, SmpCommand } from './model.js';

export class DeliverIpiCommand implements SmpCommand {
  constructor(readonly cpu: number) {}
  check(m: Readonly<PropModel>): boolean {
    return m.unsettled.includes(true);
  }
  run(_m: PropModel, r: RealSystem): void {
    r.deliverIpi(this.cpu);
    r.assertHolds();
  }
  toString(): string {
    return `deliver IPI to cpu${this.cpu}`;
  }
}

export function deliverIpiArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.nat(n - 1).map((c) => new DeliverIpiCommand(c));
}
