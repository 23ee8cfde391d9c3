/**
 * One handle on the model for a configuration, for the property tests and the trace checker
 * (later issues): initial state, enabled events, step, abstract view, key and invariant checks,
 * all through the same machine the explorer uses (fast stepper by default, xstate on request).
 */
import { FastStepper, type FastSnapshot } from './fast-step.js';
import { applyModelRules, type ModelVariant } from './variant.js';
import { INVARIANTS } from './invariants.js';
import { Stepper, stateKey, viewOf, type ModelState, type SystemSnapshot, type SystemView } from './step.js';
import { createSystemMachine, type SysEvent, type SystemMachine } from './system.js';
import { compileWorkload, findWorkload, type CompiledWorkload, type Workload } from './workload.js';

export interface ModelSession {
  readonly cw: CompiledWorkload;
  readonly machine: SystemMachine;
  initial(): ModelState;
  /** Enabled events with their successor states, in the explorer's deterministic order. */
  enabled(s: ModelState): { readonly event: SysEvent; readonly next: ModelState }[];
  /** The successor, or null when the event is not enabled. */
  step(s: ModelState, e: SysEvent): ModelState | null;
  view(s: ModelState): SystemView;
  key(s: ModelState): string;
  /** Violation messages (with their IDs) of the state invariants in `s`. */
  checkState(s: ModelState): string[];
  /** Violation messages of the step invariants for (before, event, after). */
  checkStep(before: ModelState, e: SysEvent, after: ModelState): string[];
  /** Violation messages of the final invariants, for a state with no enabled event. */
  checkFinal(s: ModelState): string[];
}

export function openModel(opts: {
  readonly cpus: number;
  readonly workload: Workload | string;
  /** a variant of the model (variant.ts); default the correct rules */
  readonly variant?: ModelVariant;
  readonly stepper?: 'fast' | 'xstate';
}): ModelSession {
  const w = typeof opts.workload === 'string' ? findWorkload(opts.workload) : opts.workload;
  const cw = compileWorkload(w, opts.cpus);
  const base = createSystemMachine({ workload: cw });
  const machine = opts.variant === undefined ? base : applyModelRules(base, cw, opts.variant.rules);
  const xs = new Stepper(machine, cw);
  const fast = opts.stepper === 'xstate' ? null : new FastStepper(machine, cw);
  const raw = (s: ModelState, e: SysEvent): ModelState =>
    fast === null ? xs.step(s as SystemSnapshot, e) : fast.step(s as FastSnapshot, e);
  const collect = (f: (inv: (typeof INVARIANTS)[number]) => string | null): string[] => {
    const out: string[] = [];
    for (const inv of INVARIANTS) {
      const m = f(inv);
      if (m !== null) out.push(m);
    }
    return out;
  };
  return {
    cw, machine,
    initial: () => {
      const x0 = xs.initial();
      return fast === null ? x0 : fast.initial(x0);
    },
    enabled: (s) => {
      const out: { event: SysEvent; next: ModelState }[] = [];
      for (const event of xs.candidates(s)) {
        const next = raw(s, event);
        if (next !== s) out.push({ event, next });
      }
      return out;
    },
    step: (s, e) => {
      const n = raw(s, e);
      return n === s ? null : n;
    },
    view: (s) => viewOf(s, cw),
    key: stateKey,
    checkState: (s) => {
      const v = viewOf(s, cw);
      return collect((inv) => (inv.kind === 'state' ? inv.check(v, cw) : null));
    },
    checkStep: (b, e, a) => {
      const vb = viewOf(b, cw);
      const va = viewOf(a, cw);
      return collect((inv) => (inv.kind === 'step' ? inv.check(vb, e, va, cw) : null));
    },
    checkFinal: (s) => {
      const v = viewOf(s, cw);
      return collect((inv) => (inv.kind === 'final' ? inv.check(v, cw) : null));
    },
  };
}
