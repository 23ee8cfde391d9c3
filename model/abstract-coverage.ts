/**
 * Abstract state coverage: what one technique reached of the reachable abstract state space
 * (abstract-reachable.ts), and the `abstract` section of coverage.json.
 *
 * A technique feeds `AbstractCoverage` the abstract key of every state it observes, run by run.
 * A reachable transition (a, kind, b) counts as covered when the technique went from a to b
 * without passing another reachable abstract state in between: states the model never shows
 * (intermediate implementation states, e.g. a cfd CSD locked but not yet queued) are counted as
 * `extraStates` and skipped. Implementation steps do not say which model event they were, so
 * `observe` without a kind credits every reachable transition with those endpoints.
 * Covered items record the run in which they were first reached, so the coverage-against-runs
 * curve is exact and shards merge exactly (model/coverage-merge.ts).
 */
import type { AbstractConfig, AbstractReachable } from './abstract-reachable.js';
import type { SysEvent } from './system.js';

export const TECHNIQUES = ['explorer', 'properties', 'threads', 'traces'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export interface AbstractTechniqueCoverage {
  readonly status: 'measured' | 'not-run';
  /** Covered reachable states / transitions (counts). */
  readonly states: number;
  readonly transitions: number;
  readonly runs: number;
  /** Distinct abstract states observed that the model never reaches in this configuration. */
  readonly extraStates: number;
  /** How the technique observed states (every step, sampled, reconstructed from events, …). */
  readonly note: string;
  /** [state index, 1-based run that first reached it]. */
  readonly covered: readonly (readonly [number, number])[];
  readonly coveredTransitions: readonly (readonly [number, number])[];
  /** Trace-only: coverage of the projection onto the fields a trace can observe. */
  readonly projected?: {
    readonly fields: readonly string[];
    readonly unobservable: readonly string[];
    readonly states: number;
    readonly of: number;
    readonly transitions: number;
    readonly ofTransitions: number;
  };
  /** Properties only: what the random pass reached and what the guided pass closed. */
  readonly guided?: {
    readonly randomStates: number;
    readonly randomTransitions: number;
    readonly closedStates: number;
    readonly closedTransitions: number;
    readonly attempted: number;
    readonly runs: number;
  };
}

export interface AbstractCoverageReport {
  readonly schema: 'smpcheck.abstract/1';
  readonly config: AbstractConfig & { readonly concreteStates: number };
  readonly reachable: { readonly states: number; readonly transitions: number };
  readonly by: Readonly<Record<Technique, AbstractTechniqueCoverage>>;
  /** Reachable states the property suite (random + guided) did not reach, with the shortest model path. */
  readonly uncovered: readonly { readonly state: string; readonly workload: string; readonly path: readonly string[] }[];
  /**
   * Reachable transitions the property suite did not take, each with the shortest model path whose
   * last event takes it and why the guided pass did not close it (its follower's reason).
   */
  readonly uncoveredTransitions: readonly UncoveredTransition[];
  /** Index → abstract key; transitions as [from, kind, to]. */
  readonly states: readonly string[];
  readonly transitions: readonly (readonly [number, string, number])[];
}

export interface UncoveredTransition {
  readonly from: string;
  readonly kind: string;
  readonly to: string;
  readonly workload: string;
  readonly path: readonly string[];
  readonly reason: string;
}

/** The reason of an uncovered transition the guided pass did not attempt. */
export const NOT_ATTEMPTED = 'not attempted (no guided pass)';

export function eventText(e: SysEvent): string {
  return `cpu${e.cpu}: ${e.type}`;
}

export function notRun(note: string): AbstractTechniqueCoverage {
  return { status: 'not-run', states: 0, transitions: 0, runs: 0, extraStates: 0, note, covered: [], coveredTransitions: [] };
}

export class AbstractCoverage {
  readonly index: ReadonlyMap<string, number>;
  private readonly byEnds = new Map<string, number[]>();
  private readonly firstState = new Map<number, number>();
  private readonly firstTrans = new Map<number, number>();
  private readonly extra = new Set<string>();
  private readonly byStep = new Map<string, number>();
  private last = -1;
  runs = 0;

  /**
   * `credit`: `'consecutive'` (default) credits a transition from consecutive reachable
   * observations, of any kind with those endpoints (a technique that does not know its step
   * boundaries); `'steps'` credits transitions only through `step()`, the (from, kind, to) of one
   * whole model step (a technique that drives the implementation event by event: the guided pass).
   */
  constructor(readonly reach: AbstractReachable, readonly credit: 'consecutive' | 'steps' = 'consecutive') {
    this.index = new Map(reach.states.map((s, i) => [s.key, i]));
    reach.transitions.forEach((t, i) => {
      const k = `${t.from}>${t.to}`;
      this.byEnds.set(k, [...(this.byEnds.get(k) ?? []), i]);
      this.byStep.set(`${t.from}>${t.kind}>${t.to}`, i);
    });
  }

  beginRun(): void {
    this.runs++;
    this.last = -1;
  }

  /** Break the chain of consecutive observations (the next one starts afresh, in the same run). */
  cut(): void {
    this.last = -1;
  }

  /** One observed state (its abstract key); `kind` names the model event when the technique knows it. */
  observe(key: string, kind?: string): void {
    const i = this.index.get(key);
    if (i === undefined) {
      this.extra.add(key);
      return;
    }
    const run = Math.max(this.runs, 1);
    if (!this.firstState.has(i)) this.firstState.set(i, run);
    if (this.credit === 'consecutive' && this.last >= 0 && this.last !== i) {
      for (const t of this.byEnds.get(`${this.last}>${i}`) ?? []) {
        if (kind !== undefined && this.reach.transitions[t]?.kind !== kind) continue;
        if (!this.firstTrans.has(t)) this.firstTrans.set(t, run);
      }
    }
    this.last = i;
  }

  /**
   * One whole model step the implementation took: it was in abstract state `from` when it began
   * the step and in `to` when the step was complete (its sub-steps in between are not model steps,
   * whatever states they pass). Credits exactly the transition (from, kind, to), if reachable.
   */
  step(from: string, kind: string, to: string): boolean {
    const a = this.index.get(from), b = this.index.get(to);
    const t = a === undefined || b === undefined ? undefined : this.byStep.get(`${a}>${kind}>${b}`);
    if (t === undefined) return false;
    if (!this.firstTrans.has(t)) this.firstTrans.set(t, Math.max(this.runs, 1));
    return true;
  }

  hasState(key: string): boolean {
    const i = this.index.get(key);
    return i !== undefined && this.firstState.has(i);
  }
  hasTransition(i: number): boolean {
    return this.firstTrans.has(i);
  }
  uncoveredTransitions(): number[] {
    return this.reach.transitions.map((_, i) => i).filter((i) => !this.firstTrans.has(i));
  }
  get coveredStates(): number {
    return this.firstState.size;
  }
  get coveredTransitions(): number {
    return this.firstTrans.size;
  }
  /** Indices of reachable states not yet covered, in the reachable order (shortest path first). */
  uncoveredStates(): number[] {
    return this.reach.states.map((_, i) => i).filter((i) => !this.firstState.has(i));
  }

  /** Add another collector's coverage as later runs (guided after random, shard after shard). */
  absorb(o: AbstractCoverage): void {
    for (const [i, r] of o.firstState) if (!this.firstState.has(i)) this.firstState.set(i, this.runs + r);
    for (const [i, r] of o.firstTrans) if (!this.firstTrans.has(i)) this.firstTrans.set(i, this.runs + r);
    for (const k of o.extra) this.extra.add(k);
    this.runs += o.runs;
  }

  result(note: string): AbstractTechniqueCoverage {
    const sorted = (m: Map<number, number>): [number, number][] => [...m].sort((a, b) => a[0] - b[0]);
    return {
      status: 'measured', states: this.firstState.size, transitions: this.firstTrans.size, runs: this.runs,
      extraStates: this.extra.size, note, covered: sorted(this.firstState), coveredTransitions: sorted(this.firstTrans),
    };
  }
}

/** Cumulative coverage after each run, downsampled to at most `points` points (for the plot). */
export function coverageSeries(t: AbstractTechniqueCoverage, points = 40): { runs: number; states: number; transitions: number }[] {
  if (t.status !== 'measured' || t.runs === 0) return [];
  const s = new Array<number>(t.runs + 1).fill(0);
  const tr = new Array<number>(t.runs + 1).fill(0);
  for (const [, r] of t.covered) s[Math.min(r, t.runs)] = (s[Math.min(r, t.runs)] ?? 0) + 1;
  for (const [, r] of t.coveredTransitions) tr[Math.min(r, t.runs)] = (tr[Math.min(r, t.runs)] ?? 0) + 1;
  const out: { runs: number; states: number; transitions: number }[] = [];
  let cs = 0, ct = 0;
  const step = Math.max(1, Math.ceil(t.runs / points));
  for (let r = 1; r <= t.runs; r++) {
    cs += s[r] ?? 0;
    ct += tr[r] ?? 0;
    if (r % step === 0 || r === t.runs || r === 1) out.push({ runs: r, states: cs, transitions: ct });
  }
  return out;
}

export function buildAbstractReport(
  reach: AbstractReachable,
  by: Readonly<Record<Technique, AbstractTechniqueCoverage>>,
  /** transition index → why the guided pass did not close it */
  reasons: ReadonlyMap<number, string> = new Map(),
): AbstractCoverageReport {
  const props = new Set(by.properties.covered.map(([i]) => i));
  const propsT = new Set(by.properties.coveredTransitions.map(([i]) => i));
  return {
    schema: 'smpcheck.abstract/1',
    config: { ...reach.config, concreteStates: reach.concreteStates },
    reachable: { states: reach.states.length, transitions: reach.transitions.length },
    by,
    uncovered: reach.states.flatMap((s, i) => (props.has(i) ? [] : [{ state: s.key, workload: s.workload, path: s.path.map(eventText) }])),
    uncoveredTransitions: reach.transitions.flatMap((t, i) => (propsT.has(i) ? [] : [{
      from: reach.states[t.from]?.key ?? '', kind: t.kind, to: reach.states[t.to]?.key ?? '', workload: t.workload,
      path: t.path.map(eventText), reason: reasons.get(i) ?? NOT_ATTEMPTED,
    }])),
    states: reach.states.map((s) => s.key),
    transitions: reach.transitions.map((t) => [t.from, t.kind, t.to] as const),
  };
}

/** The explorer's own coverage: by construction every reachable state and transition, in one run. */
export function explorerCoverage(reach: AbstractReachable): AbstractTechniqueCoverage {
  return {
    status: 'measured', states: reach.states.length, transitions: reach.transitions.length, runs: 1, extraStates: 0,
    note: `exhaustive BFS of ${reach.config.workloads.length} workloads at ${reach.config.cpus} CPUs (${reach.concreteStates} model states)`,
    covered: reach.states.map((_, i) => [i, 1] as const), coveredTransitions: reach.transitions.map((_, i) => [i, 1] as const),
  };
}
