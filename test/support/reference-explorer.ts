/**
 * REFERENCE ONLY (tests): the explorer as it was before the compact state encoding — JSON state
 * keys (`stateKey`) in a Map and every state object kept. test/model/explorer-equivalence.test.ts
 * compares model/explorer.ts (and the parallel explorer) with it: verdicts, state and transition
 * counts, depth, terminals, coverage and the abstract states.
 */
import { abstractKey, abstractOfModel } from '../../model/abstract-state.js';
import { CoverageCounter } from '../../model/coverage.js';
import { applyModelRules, type ModelVariant } from '../../model/variant.js';
import { INVARIANTS, type Invariant } from '../../model/invariants.js';
import { FastStepper, type FastSnapshot, type TakenTransition } from '../../model/fast-step.js';
import { Stepper, stateKey, viewOf, type ModelState, type SystemSnapshot, type SystemView } from '../../model/step.js';
import { createSystemMachine, type SysEvent } from '../../model/system.js';
import { timelineEntry } from '../../model/timeline.js';
import type { Counterexample, CoverageReport, InvariantId, InvariantResult } from '../../model/types.js';
import { compileWorkload, findWorkload, type Workload } from '../../model/workload.js';

export interface ExploreProgress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
}

export interface ExploreOptions {
  readonly cpus: number;
  readonly workload: Workload | string;
  /** a variant of the model (variant.ts); default the correct rules */
  readonly variant?: ModelVariant;
  readonly maxStates?: number;
  readonly coverage?: boolean;
  /** Also collect the abstract states and abstract transitions (abstract-state.ts) with shortest paths. */
  readonly abstract?: boolean;
  /** 'fast' (default): the stepper derived from the machine; 'xstate': machine.transition. */
  readonly stepper?: 'fast' | 'xstate';
  readonly onProgress?: (p: ExploreProgress) => void;
}

export interface ExploreResult {
  readonly config: { readonly cpus: number; readonly workload: string; readonly variant: string | null; readonly maxStates: number };
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly complete: boolean;
  /** Why the search stopped early (bound reached), naming the knob; null when exhaustive. */
  readonly bound: string | null;
  readonly invariants: InvariantResult[];
  readonly violations: Counterexample[];
  readonly deadlocks: number;
  readonly terminals: number;
  readonly coverage: CoverageReport;
  /** With `abstract: true`: every reachable abstract state with its shortest path, and the abstract transitions. */
  readonly abstract: ExploredAbstract | null;
}

export interface ExploredAbstract {
  /** Abstract key → the BFS-shortest event path (within this workload) to a state with that abstraction. */
  readonly states: ReadonlyMap<string, readonly SysEvent[]>;
  /** `from\tKIND\tto` for every model step whose abstraction changed (from ≠ to) → a shortest path taking it. */
  readonly transitions: ReadonlyMap<string, readonly SysEvent[]>;
}

const DEFAULT_MAX_STATES = 2_000_000;

/** States expanded between two yield points of `exploreSteps` (a few ms of work). */
const SLICE = 2048;

/** Exhaustive exploration, run to the end (or to `maxStates`). */
export function explore(opts: ExploreOptions): ExploreResult {
  const g = exploreSteps(opts);
  for (let r = g.next(false); ; r = g.next(false)) if (r.done === true) return r.value;
}

/**
 * The same exploration as a generator: it yields every SLICE expanded states, and `next(true)`
 * stops it there (`complete: false`, bound "interrupted"). The CLI drives it between event-loop
 * turns so that Ctrl-C is seen within a slice; `explore` drives it straight through.
 */
export function* exploreSteps(opts: ExploreOptions): Generator<void, ExploreResult, boolean> {
  const workload = typeof opts.workload === 'string' ? findWorkload(opts.workload) : opts.workload;
  const cw = compileWorkload(workload, opts.cpus);
  const fault = opts.variant;
  const base = createSystemMachine({ workload: cw });
  const machine = fault === undefined ? base : applyModelRules(base, cw, fault.rules);
  const st = new Stepper(machine, cw);
  const fast = opts.stepper === 'xstate' ? null : new FastStepper(machine, cw);
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const cov = new CoverageCounter(['explorer']);
  const wantCov = opts.coverage !== false;
  const t0 = performance.now();

  const x0 = st.initial();
  const snaps: ModelState[] = [fast === null ? x0 : fast.initial(x0)];
  const parent: number[] = [-1];
  const via: (SysEvent | null)[] = [null];
  const depthOf: number[] = [0];
  const index = new Map<string, number>([[stateKey(snaps[0] as ModelState), 0]]);
  const checks = new Map<InvariantId, number>();
  const found = new Map<InvariantId, Counterexample>();
  let transitions = 0;
  let deadlocks = 0;
  let terminals = 0;
  let depth = 0;

  /** Events and views along the BFS tree path to state `i` (plus a final step event, if any). */
  const pathTo = (i: number, extra: SysEvent | null): { events: SysEvent[]; views: SystemView[] } => {
    const idx: number[] = [];
    for (let k = i; k > 0; k = parent[k] ?? 0) idx.push(k);
    idx.reverse();
    const events: SysEvent[] = [];
    const views = [viewOf(snaps[0] as ModelState, cw)];
    for (const k of idx) {
      events.push(via[k] as SysEvent);
      views.push(viewOf(snaps[k] as ModelState, cw));
    }
    if (extra !== null) {
      events.push(extra);
      const last = snaps[i] as ModelState;
      const nx = fast === null ? st.step(last as SystemSnapshot, extra) : fast.step(last as FastSnapshot, extra);
      views.push(viewOf(nx, cw));
    }
    return { events, views };
  };
  const record = (inv: Invariant, msg: string, at: number, extra: SysEvent | null): void => {
    if (found.has(inv.id)) return;
    const { events, views } = pathTo(at, extra);
    const v0 = views[0] as SystemView;
    const timeline = events.map((e, k) => timelineEntry(k + 1, e, views[k] ?? v0, cw, views[k + 1]));
    found.set(inv.id, {
      invariant: inv.id, sentence: inv.sentence, message: msg, steps: timeline.map((t) => t.text), timeline,
      replay: `npx smpcheck explore --cpus ${cw.n} --workload ${workload.name}${fault === undefined ? '' : ` ${fault.cliArg}`}`,
    });
  };
  const count = (id: InvariantId): void => {
    checks.set(id, (checks.get(id) ?? 0) + 1);
  };
  const checkState = (i: number): void => {
    const v = viewOf(snaps[i] as ModelState, cw);
    for (const inv of INVARIANTS) {
      if (inv.kind !== 'state') continue;
      count(inv.id);
      const m = inv.check(v, cw);
      if (m !== null) record(inv, m, i, null);
    }
  };

  const wantAbs = opts.abstract === true;
  const absOf: string[] = [];
  const absFirst = new Map<string, number>();
  const absTrans = new Map<string, [number, SysEvent]>();
  const noteTrans = (i: number, j: number, event: SysEvent): void => {
    const a = absOf[i] ?? '', b = absOf[j] ?? '';
    if (a === b) return;
    const k = `${a}\t${event.type}\t${b}`;
    const old = absTrans.get(k);
    if (old === undefined || (depthOf[i] ?? 0) < (depthOf[old[0]] ?? 0)) absTrans.set(k, [i, event]);
  };
  const noteAbstract = (j: number): void => {
    if (!wantAbs) return;
    const k = abstractKey(abstractOfModel(viewOf(snaps[j] as ModelState, cw), cw));
    absOf[j] = k;
    if (!absFirst.has(k)) absFirst.set(k, j);
  };
  noteAbstract(0);
  checkState(0);
  let complete = true;
  let interrupted = false;
  for (let i = 0; i < snaps.length; i++) {
    if (snaps.length >= maxStates) {
      complete = false;
      break;
    }
    if (i % SLICE === SLICE - 1 && (yield)) {
      complete = false;
      interrupted = true;
      break;
    }
    const s = snaps[i] as ModelState;
    if (wantCov) cov.visitState(s.value as Record<string, string>);
    const succ: { event: SysEvent; next: ModelState; taken: TakenTransition[] }[] = [];
    for (const event of st.candidates(s)) {
      const taken: TakenTransition[] = [];
      const next = fast === null ? st.step(s as SystemSnapshot, event) : fast.step(s as FastSnapshot, event, taken);
      if (next === s) continue;
      if (wantCov && fast === null) taken.push(...machine.getTransitionData(s as SystemSnapshot, event));
      succ.push({ event, next, taken });
    }
    const before = viewOf(s, cw);
    if (succ.length === 0) {
      terminals++;
      for (const inv of INVARIANTS) {
        if (inv.kind !== 'final') continue;
        count(inv.id);
        const m = inv.check(before, cw);
        if (m !== null) {
          if (inv.id === 'INV-NO-DEADLOCK') deadlocks++;
          record(inv, m, i, null);
        }
      }
      continue;
    }
    for (const { event, next, taken } of succ) {
      transitions++;
      if (wantCov) cov.visitTransitions(taken);
      const after = viewOf(next, cw);
      for (const inv of INVARIANTS) {
        if (inv.kind !== 'step') continue;
        count(inv.id);
        const m = inv.check(before, event, after, cw);
        if (m !== null) record(inv, m, i, event);
      }
      const k = stateKey(next);
      const known = index.get(k);
      if (wantAbs && known !== undefined) noteTrans(i, known, event);
      if (known !== undefined) continue;
      const j = snaps.length;
      index.set(k, j);
      snaps.push(next);
      parent.push(i);
      via.push(event);
      const d = (depthOf[i] ?? 0) + 1;
      depthOf.push(d);
      if (d > depth) depth = d;
      noteAbstract(j);
      if (wantAbs) noteTrans(i, j, event);
      checkState(j);
    }
    if (opts.onProgress !== undefined && i % 5000 === 0) opts.onProgress({ states: snaps.length, transitions, depth });
  }
  const elapsedMs = performance.now() - t0;
  const invariants: InvariantResult[] = INVARIANTS.map((inv) => ({
    id: inv.id, sentence: inv.sentence,
    status: found.has(inv.id) ? 'fail' : (checks.get(inv.id) ?? 0) > 0 ? 'pass' : 'not-checked',
    checks: checks.get(inv.id) ?? 0,
  }));
  return {
    config: { cpus: cw.n, workload: workload.name, variant: fault?.id ?? null, maxStates },
    states: snaps.length, transitions, depth, elapsedMs,
    statesPerSecond: Math.round(snaps.length / Math.max(elapsedMs / 1000, 1e-6)),
    complete,
    bound: complete ? null : interrupted
      ? `explorer interrupted (Ctrl-C) after ${snaps.length} states; reached depth ${depth}`
      : `explorer stopped at --max-states ${maxStates} (maxStates); reached depth ${depth}; raise it to explore further`,
    invariants, violations: [...found.values()], deadlocks, terminals,
    coverage: cov.report(),
    abstract: wantAbs ? { states: new Map([...absFirst].map(([k, j]) => [k, pathTo(j, null).events])), transitions: new Map([...absTrans].map(([k, [i, e]]) => [k, [...pathTo(i, null).events, e]])) } : null,
  };
}
