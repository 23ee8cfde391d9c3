/**
 * The model side of refinement: the composed xstate machine for a small workload, stepped with the
 * model's FastStepper (derived from the machine's own transitions), its terminal views found by
 * exhaustive search and cached per workload.
 */
import { FastStepper, type FastSnapshot, type TakenTransition } from '../../model/fast-step.js';
import { Stepper, stateKey } from '../../model/step.js';
import { createSystemMachine, type SysEvent } from '../../model/system.js';
import { compileWorkload, type CompiledWorkload } from '../../model/workload.js';
import { modelView, viewKey } from './abstract-view.js';
import { toModelWorkload, type SmallWorkload } from './small-workload.js';

export class ModelOracle {
  readonly cw: CompiledWorkload;
  readonly stepper: Stepper;
  readonly fast: FastStepper;
  private terminalViews: Set<string> | null = null;

  constructor(w: SmallWorkload) {
    this.cw = compileWorkload(toModelWorkload(w), w.cpus);
    const machine = createSystemMachine({ workload: this.cw });
    this.stepper = new Stepper(machine, this.cw);
    this.fast = new FastStepper(machine, this.cw);
  }

  initial(): FastSnapshot {
    return this.fast.initial(this.stepper.initial());
  }

  successors(s: FastSnapshot): { event: SysEvent; next: FastSnapshot; taken: TakenTransition[] }[] {
    const out: { event: SysEvent; next: FastSnapshot; taken: TakenTransition[] }[] = [];
    for (const event of this.stepper.candidates(s)) {
      const taken: TakenTransition[] = [];
      const next = this.fast.step(s, event, taken);
      if (next !== s) out.push({ event, next, taken });
    }
    return out;
  }

  /** Views of every terminal state (nothing enabled); throws past `limit` states. */
  terminals(limit = 200_000): Set<string> {
    if (this.terminalViews !== null) return this.terminalViews;
    const out = new Set<string>();
    const s0 = this.initial();
    const seen = new Set<string>([stateKey(s0)]);
    const queue: FastSnapshot[] = [s0];
    for (let i = 0; i < queue.length; i++) {
      if (queue.length > limit) throw new RangeError(`refinement: model state space of this workload exceeds ${limit} states`);
      const s = queue[i] as FastSnapshot;
      const succ = this.successors(s);
      if (succ.length === 0) out.add(viewKey(modelView(s, this.cw)));
      for (const { next } of succ) {
        const k = stateKey(next);
        if (seen.has(k)) continue;
        seen.add(k);
        queue.push(next);
      }
    }
    this.terminalViews = out;
    return out;
  }
}
