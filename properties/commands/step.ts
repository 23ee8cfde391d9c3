/**
 * Run a few protocol steps, each choosing an enabled actor by index: the interleaving is part of
 * the command list, so one seed fixes commands and schedule and shrinking minimises both. With idle
 * polling on, these steps also drive the idle-polling flush (need_resched instead of an IPI).
 */
import fc from 'fast-check';
import type { RealSystem } from '../real-system.js';
import type { PropModel, SmpCommand } from './model.js';

export class StepCommand implements SmpCommand {
  constructor(readonly choices: readonly number[]) {}
  check(m: Readonly<PropModel>): boolean {
    return m.unsettled.includes(true);
  }
  run(_m: PropModel, r: RealSystem): void {
    r.stepChoices(this.choices);
    r.assertHolds();
  }
  toString(): string {
    return `step [${this.choices.join(',')}]`;
  }
}

export function stepArb(): fc.Arbitrary<SmpCommand> {
  return fc.array(fc.nat(7), { minLength: 1, maxLength: 24 }).map((c) => new StepCommand(c));
}
