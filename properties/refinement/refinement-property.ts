/**
 * Refinement as a property: a small workload runs on the implementation under a generated
 * schedule; then (1) the implementation's final abstract view must equal the view of SOME terminal
 * state of the model for that workload, and (2) its trace must replay through the model with
 * bounded stuttering. The replay's witness path feeds the model's coverage counter.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../../impl/variant.js';
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import { H_ALLOC_LIMIT, H_SYNC_EARLY, R_EFFECT, R_EXPECTED, R_FLAGS, R_ISSUER, R_RAN, R_RC, RQ_WAIT } from '../../impl/layout.js';
import { readTrace } from '../../impl/trace-export.js';
import type { CoverageCounter } from '../../model/coverage.js';
import type { InvariantId } from '../../model/types.js';
import { violatedInvariant } from '../../impl/counterexample.js';
import { accountingReport } from '../../impl/requests.js';
import type { MemoryModel } from '../../impl/memory-models/runtime-memory.js';
import { STALE_CAP } from '../../impl/runtime/cpu-stepper.js';
import { RealSystem } from '../real-system.js';
import { implView, viewKey } from './abstract-view.js';
import { ModelOracle } from './model-oracle.js';
import { describeSmallWorkload, smallWorkloadArb, type SmallWorkload } from './small-workload.js';
import { replayTrace } from './trace-replay.js';

export class RefinementError extends Error {
  override readonly name = 'RefinementError';
  /** the invariant that failed: INV-REFINEMENT, or an accounting invariant (`checkWorkload`) */
  constructor(message: string, readonly invariant: InvariantId = 'INV-REFINEMENT') {
    super(message);
  }
}

export interface RefinementStats {
  runs: number;
  labels: number;
  steps: number;
  /** runs refinement could not judge: the model's state space of their workload is too large to enumerate */
  undecided?: number;
}

/** The model side cannot be enumerated for this workload: the run is not checked (never a pass, never a violation). */
export class RefinementUndecided extends Error {
  override readonly name = 'RefinementUndecided';
}

export interface RefinementConfig {
  readonly maxCpus?: number;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  readonly coverage?: CoverageCounter;
  /** also judge the accounting invariants at the end (INV-NO-LOST-CALL, INV-SYNC-AFTER-RUN, …) */
  readonly accounting?: boolean;
  /** abstract state coverage (model/abstract-coverage.ts) of every run at its CPU count */
  readonly abstract?: AbstractCoverage;
  /**
   * memory model of the implementation's protocol accesses (default sc); the model side stays SC
   * with atomic steps: the implementation's observable events (in execution order, and what a
   * waiting caller read of its func's effect) are mapped onto it
   */
  readonly memory?: MemoryModel;
}

/**
 * Idle CPUs halt on even schedule seeds and poll on odd ones: halting exercises the IPI path,
 * polling the set_nr_if_polling / current_clr_polling_and_test path (the kernel's idle, no queue
 * re-check), which the model's IDLE_WAKE / IDLE_SLEEP steps follow.
 */
export function refinementIdle(seed: number): 'halt' | 'poll' {
  return (seed & 1) === 0 ? 'halt' : 'poll';
}

/** Runs one workload under one schedule on the implementation (what the check judges, and the counterexample's timeline). */
export function executeRefinementWorkload(w: SmallWorkload, seed: number, lateIpis: boolean, variant: ImplVariant | undefined, abstract?: AbstractCoverage, memory?: MemoryModel): { real: RealSystem; ids: number[] } {
  // -ENOMEM injection: one allocation short of a cfd (boot allocations ignore the limit)
  const real = new RealSystem({
    cpus: w.cpus, variant, idle: refinementIdle(seed), ...(w.enomem ? { allocLimit: 2 * w.cpus - 1 } : {}),
    // weak memory: the quiescing scheduler's rng also answers every memory decision
    ...(memory === undefined || memory === 'sc' ? {} : { memory }),
    // abstract coverage is measured for one CPU count: the suite's (other sizes would mix spaces)
    ...(abstract !== undefined && abstract.reach.config.cpus === w.cpus ? { abstract } : {}),
  });
  const ids: number[] = [];
  w.scripts.forEach((s, cpu) => { for (const c of s) ids.push(real.post(cpu, c, c.kind)); });
  if (w.hotplug > 0) {
    real.post(0, { kind: 'cpu_down', cpu: w.hotplug }, 'cpu_down');
    real.post(0, { kind: 'cpu_up', cpu: w.hotplug }, 'cpu_up');
  }
  real.quiesce(seed, lateIpis);
  if (w.enomem) {
    // the host frees memory, then CPU 0 retries the bring-up
    Atomics.store(real.sys.mem.m, H_ALLOC_LIMIT, -1);
    real.post(0, { kind: 'cpu_up', cpu: w.hotplug }, 'cpu_up');
    real.quiesce(seed + 1, lateIpis);
  }
  return { real, ids };
}

/** Run one workload under one schedule and check both refinement relations; throws RefinementError. */
export function checkRefinement(w: SmallWorkload, seed: number, lateIpis: boolean, cfg: RefinementConfig, oracles: Map<string, ModelOracle>, stats?: RefinementStats): void {
  const { real, ids } = executeRefinementWorkload(w, seed, lateIpis, cfg.variant, cfg.abstract, cfg.memory);
  const key = JSON.stringify(w);
  let o = oracles.get(key);
  if (o === undefined) {
    o = new ModelOracle(w);
    oracles.set(key, o);
  }
  const workload = describeSmallWorkload(w).join('; ');
  // a use-after-free is named as such, not only as a step the model does not allow
  const uaf = accountingReport(real.sys.mem).uafTouches;
  if (uaf > 0) throw new RefinementError(`INV-NO-UAF violated on workload [${workload}]: ${uaf} touch(es) of a CSD of a freed cfd`, 'INV-NO-UAF');
  // a run the step bound cut off (or the livelock watchdog ended) has no final state to compare
  const cut = real.obs.violations.find((x) => x.id === 'INV-NO-DEADLOCK' && /no quiescence within the step bound|livelock/.test(x.message));
  if (cut !== undefined) throw new RefinementError(`INV-NO-DEADLOCK violated on workload [${workload}] (refinement not checked on this run): ${cut.message}`, 'INV-NO-DEADLOCK');
  const v = viewKey(implView(real.sys, ids));
  let terminals: Set<string>;
  try {
    terminals = o.terminals();
  } catch (e) {
    if (e instanceof RangeError) throw new RefinementUndecided(`workload [${workload}]: ${e.message}`);
    throw e;
  }
  if (!terminals.has(v)) {
    throw new RefinementError(`refinement (1): final view [${v}] of workload [${workload}] is not the view of any of the model's ${terminals.size} terminal states, e.g. [${[...terminals][0] ?? 'none'}]`);
  }
  const rr = replayTrace(o, readTrace(real.sys.mem));
  if (!rr.ok) throw new RefinementError(`refinement (2): workload [${workload}]: ${rr.failure ?? ''}`);
  const seen = staleEffect(real, ids);
  if (seen !== null) throw new RefinementError(`refinement (2): workload [${workload}]: ${seen}`);
  if (cfg.accounting === true) {
    const bad = violatedInvariant('quiescent', accountingReport(real.sys.mem));
    if (bad !== null) throw new RefinementError(`${bad.id} violated on workload [${workload}]: ${bad.message}`, bad.id);
  }
  if (stats !== undefined) {
    stats.runs++;
    stats.labels += rr.labels;
    stats.steps += real.sys.stepCount;
  }
  if (cfg.coverage !== undefined) {
    for (const p of rr.path) {
      cfg.coverage.visitState(p.value);
      cfg.coverage.visitTransitions(p.taken);
    }
  }
}

/**
 * The caller's observation of a waiting call (weak memory). A waiting call that returns 0 reads
 * its func's effect (`R_EFFECT`, written by the func with `atomic_or`) through its own `c.a`
 * after its wait: that read is an observable event of the caller, at its return. Mapped onto the
 * SC model it says "the caller returned when the func had run only where the value shows", and
 * the model's RETURN of a waiting call comes only after FLUSH_DONE of every CSD it queued; so an
 * effect missing from what the caller read, although the func ran (R_RAN, instrumentation), is
 * an observable the model does not allow. Under sc the read always sees the newest value, so
 * this adds nothing there; under tso/lkmm it is what csd_unlock's release and csd_lock_wait's
 * acquire guarantee. (A waiting call that returns before its func ran at all is INV-SYNC-AFTER-RUN's
 * and the trace replay's business.) Returns the failure line, or null.
 */
function staleEffect(real: RealSystem, ids: readonly number[]): string | null {
  const { m, L } = real.sys.mem;
  const early = Atomics.load(m, H_SYNC_EARLY);
  if (early === 0) return null;
  let notRun = 0;
  for (const id of ids) {
    if ((Atomics.load(m, L.req(id, R_FLAGS)) & RQ_WAIT) === 0 || Atomics.load(m, L.req(id, R_RC)) !== 0) continue;
    const exp = Atomics.load(m, L.req(id, R_EXPECTED));
    if ((Atomics.load(m, L.req(id, R_RAN)) & exp) !== exp) {
      notRun++;
      continue;
    }
    const cpu = Atomics.load(m, L.req(id, R_ISSUER));
    const w = L.req(id, R_EFFECT);
    const stale = real.sys.staleReads.findLast((r) => r.i === w && r.cpu === cpu && (r.v & exp) !== exp);
    if (stale === undefined) continue;
    const on = (x: number): string => `{${Array.from({ length: real.sys.n }, (_, c) => c).filter((c) => (x & (1 << c)) !== 0).join(',')}}`;
    return `request ${id} (cpu${cpu}, waiting) returned 0 having observed its func's effect only from ${on(stale.v)} (its READ_ONCE read store #${stale.ts}, newest #${stale.newestTs}), `
      + `although the func ran on ${on(exp)}: the model returns a waiting call only after its func ran on every CPU it queued to (a non-SC observable: the caller's loads are not ordered after the func's stores)`;
  }
  // counted by the caller but not in the (capped) stale-read log: still not a model behaviour
  if (real.sys.staleReads.length >= STALE_CAP && early > notRun) {
    return `${early - notRun} waiting call(s) returned 0 before, as their caller observed it, their func had run on every CPU it was queued to (the stale-read log is full, so which is not named): the model returns a waiting call only after that`;
  }
  return null;
}

export function refinementProperty(cfg: RefinementConfig, stats?: RefinementStats): fc.IPropertyWithHooks<[SmallWorkload, number, boolean]> {
  const oracles = new Map<string, ModelOracle>();
  return fc.property(smallWorkloadArb(cfg.maxCpus ?? 3), fc.nat(0xffff), fc.boolean(), (w, seed, late) => {
    try {
      checkRefinement(w, seed, late, cfg, oracles, stats);
    } catch (e) {
      if (!(e instanceof RefinementUndecided)) throw e;
      if (stats !== undefined) stats.undecided = (stats.undecided ?? 0) + 1;
    }
  });
}

export interface WorkloadCheck {
  readonly runs: number;
  /** the first failing run: its schedule seed, whether late IPIs were on, and the refinement message */
  readonly failure: { readonly seed: number; readonly lateIpis: boolean; readonly message: string; readonly invariant: InvariantId } | null;
  /** set when the model side of the workload could not be enumerated: nothing was decided */
  readonly undecided?: string;
}

/**
 * One fixed workload (a user's, `check --workload FILE`) on the implementation under one schedule
 * per seed (odd seeds with late IPIs), each checked by both refinement relations against the
 * model's exhaustive exploration of the same workload. Stops at the first failure.
 */
export function checkWorkload(w: SmallWorkload, seeds: readonly number[], cfg: RefinementConfig): WorkloadCheck {
  const oracles = new Map<string, ModelOracle>();
  let runs = 0;
  for (const seed of seeds) {
    runs++;
    const late = (seed & 1) === 1;
    try {
      checkRefinement(w, seed & 0xffff, late, { ...cfg, accounting: true }, oracles);
    } catch (e) {
      if (e instanceof RefinementUndecided) return { runs, failure: null, undecided: e.message };
      if (!(e instanceof RefinementError)) throw e;
      return { runs, failure: { seed, lateIpis: late, message: e.message, invariant: e.invariant } };
    }
  }
  return { runs, failure: null };
}
