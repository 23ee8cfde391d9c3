/**
 * `runPropertySuite(opts)`: what the CLI's `verify`/`check` call. One property per invariant ID
 * (plus refinement) with a configurable budget; returns JSON-able results, counterexamples and the
 * component coverage; the CLI writes it, atomically, with the other reports.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../impl/variant.js';
import { isMemoryModel, type MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { CoverageCounter } from '../model/coverage.js';
import { PROTOCOL_INVARIANT_IDS } from '../model/invariants.js';
import type { Counterexample, CoverageReport, InvariantId, InvariantResult, UnreachableItem } from '../model/types.js';
import { ThreadsSystem } from '../impl/runtime/threads.js';
import { runInvariantPropertyAsync, sentenceOf } from './invariant-property.js';
import { interruptible } from './interruptible.js';
import { PropertyViolation } from './real-system.js';
import { threadsProperty } from './threads/threads-property.js';
import { postedTimeline } from './threads/threads-timeline.js';
import { REFINEMENT_ID, runRefinementAsync } from './refinement/refinement-run.js';
import { AbstractCoverage, type AbstractTechniqueCoverage } from '../model/abstract-coverage.js';
import type { AbstractReachable } from '../model/abstract-reachable.js';
import { runGuided, type GuidedTarget } from './guided.js';

export interface PropertySuiteOptions {
  /** fast-check runs per invariant property (default 100) */
  readonly runs?: number;
  readonly seed?: number;
  readonly cpus?: number;
  /** 'threads': the command properties run on real worker threads (one pool); refinement stays deterministic */
  readonly runtime?: 'deterministic' | 'threads';
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  /** how a replay line selects that variant again (`--fault ID`, `--variant FILE`) */
  readonly variantArg?: string;
  /** subset of invariant IDs (default: the 16 of smp-protocol.md §8 plus INV-UNLOCK-POINT) */
  readonly invariants?: readonly InvariantId[];
  /** refinement runs (default: runs) */
  readonly refinementRuns?: number;
  readonly maxCommands?: number;
  /** idle loop of the impl CPUs (deterministic runtime): poll first (default) or halt at once */
  readonly idle?: 'poll' | 'halt';
  /** memory model of the protocol's accesses, deterministic runtime (default sc; threads: sc only) */
  readonly memory?: MemoryModel;
  /** Ctrl-C: stops the campaign in progress within a run (results so far are kept, `interrupted`) */
  readonly signal?: AbortSignal;
  /** measure abstract state coverage against this reachable space (model/abstract-reachable.ts) */
  readonly abstract?: AbstractReachable;
  /** after the random runs, the coverage-guided pass (properties/guided.ts); deterministic runtime only */
  readonly guided?: boolean;
  /** called after each property (one per invariant ID, then INV-REFINEMENT) */
  readonly onProperty?: (p: { readonly id: InvariantId; readonly status: 'pass' | 'fail'; readonly runs: number }) => void;
}

export interface PropertySuiteAbstract {
  /** random (+ guided) coverage; deterministic: after every step; threads: sampled */
  readonly coverage: AbstractTechniqueCoverage;
  /** `unreached`: the guided targets whose path the implementation could not follow to the end */
  readonly guided: { readonly reached: number; readonly unreached: readonly GuidedTarget[]; readonly violations: readonly string[]; readonly elapsedMs: number } | null;
}

export interface PropertySuiteResult {
  readonly schema: 'smpcheck.properties/1';
  readonly config: { readonly runs: number; readonly seed: number; readonly cpus: number; readonly runtime: 'deterministic' | 'threads'; readonly variant: string | null; readonly memory: MemoryModel };
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  /** `undecided`: runs whose workload's model state space was too large to enumerate (not judged; absent: none) */
  readonly refinement: { readonly runs: number; readonly status: 'pass' | 'fail'; readonly message: string | null; readonly elapsedMs: number; readonly undecided?: number };
  /** Ctrl-C stopped the suite before every property had its runs */
  readonly interrupted: boolean;
  /** the invariant (command) properties only; elapsedMs includes shrinking of failures */
  readonly stats: {
    readonly runs: number; readonly commands: number; readonly steps: number; readonly elapsedMs: number;
    readonly runsPerSecond: number; readonly commandsPerSecond: number;
  };
  readonly coverage: CoverageReport;
  readonly abstract: PropertySuiteAbstract | null;
}

/** Items the property generators do not drive, with the reason (none: 100% of both charts). */
export const PROPERTY_UNREACHABLE: readonly UnreachableItem[] = [];

/** The 16 IDs of smp-protocol.md §8 plus the finer INV-UNLOCK-POINT (smp-semantics.md §7.7). */
export const PROPERTY_INVARIANT_IDS: readonly InvariantId[] = [...PROTOCOL_INVARIANT_IDS, 'INV-UNLOCK-POINT', 'INV-NO-UAF'];

export class SuiteOptionError extends Error {
  override readonly name = 'SuiteOptionError';
}

function validate(o: PropertySuiteOptions): void {
  const int = (v: number | undefined, name: string, lo: number, hi: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < lo || v > hi)) throw new SuiteOptionError(`${name} must be an integer in ${lo}..${hi}, got ${String(v)}`);
  };
  int(o.runs, 'runs', 1, 1_000_000);
  int(o.refinementRuns, 'refinementRuns', 0, 1_000_000);
  int(o.cpus, 'cpus', 2, 8);
  int(o.seed, 'seed', -0x80000000, 0x7fffffff);
  if (o.runtime !== undefined && o.runtime !== 'deterministic' && (o.runtime as string) !== 'threads') throw new SuiteOptionError(`runtime must be 'deterministic' or 'threads', got ${o.runtime as string}`);
  if (o.memory !== undefined && !isMemoryModel(o.memory)) throw new SuiteOptionError(`memory must be sc, tso or lkmm, got ${String(o.memory)}`);
  if (o.memory !== undefined && o.memory !== 'sc' && o.runtime === 'threads') throw new SuiteOptionError(`memory ${o.memory} needs the deterministic runtime (real threads are JS Atomics: sc only)`);
  for (const id of o.invariants ?? []) if (!PROPERTY_INVARIANT_IDS.includes(id)) throw new SuiteOptionError(`unknown invariant '${id}' (known: ${PROPERTY_INVARIANT_IDS.join(', ')})`);
}

/** Invariants the threads runtime can judge: only at quiescence (no per-step observations there). */
export const THREADS_CHECKED: readonly InvariantId[] = [
  'INV-NO-LOST-CALL', 'INV-NO-DOUBLE-RUN', 'INV-RUN-ON-TARGET', 'INV-NOT-ON-OFFLINE', 'INV-ENXIO', 'INV-LOCK-RELEASED',
  'INV-NO-REUSE-LOCKED', 'INV-IPI-OR-POLL', 'INV-NO-LEAK', 'INV-NO-DEADLOCK', 'INV-ONE-OWNER', 'INV-NO-UAF',
];

async function threadsInvariants(
  ids: readonly InvariantId[], cpus: number, seed: number, runs: number, variant: ImplVariant | undefined, variantArg: string, maxCommands: number | undefined, signal: AbortSignal,
  abstract: AbstractCoverage | undefined,
): Promise<{ results: InvariantResult[]; counterexamples: Counterexample[]; runs: number; commands: number; interrupted: boolean }> {
  const pool = await ThreadsSystem.start({ cpus });
  try {
    const stats = { runs: 0, commands: 0 };
    const select = ids.filter((id) => THREADS_CHECKED.includes(id));
    const res = await fc.check(interruptible(threadsProperty({ pool, variant, select, stats, ...(maxCommands === undefined ? {} : { maxCommands }), ...(abstract === undefined ? {} : { abstract }) }), signal), { seed, numRuns: runs });
    const failed = res.failed && res.counterexample !== null;
    const err = res.errorInstance;
    const failedId = err instanceof PropertyViolation ? err.violation.id : null;
    const counterexamples: Counterexample[] = [];
    if (res.failed && res.counterexample !== null) {
      counterexamples.push({
        invariant: failedId ?? 'INV-NO-DEADLOCK', sentence: sentenceOf(failedId ?? 'INV-NO-DEADLOCK'),
        message: (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '',
        steps: [...res.counterexample[0]].map((c) => c.toString()), timeline: postedTimeline(res.counterexample[0]),
        // Real threads interleave differently each time: this re-runs the campaign, it cannot fix the schedule.
        replay: `npx smpcheck check --runtime threads --seed ${res.seed >>> 0} --runs ${runs} --cpus ${cpus}${variantArg} # fast-check path ${res.counterexamplePath}`,
      });
    }
    const results: InvariantResult[] = ids.map((id) => ({
      id, sentence: sentenceOf(id),
      status: !select.includes(id) ? 'not-checked' : failedId === id || (failed && failedId === null) ? 'fail' : 'pass',
      checks: select.includes(id) ? res.numRuns : 0,
      ...(select.includes(id) ? {} : { reason: 'the threads runtime observes only quiescent states; this invariant needs every step (deterministic runtime)' }),
    }));
    return { results, counterexamples, runs: stats.runs, commands: stats.commands, interrupted: res.interrupted };
  } finally {
    await pool.stop();
  }
}

export async function runPropertySuite(opts: PropertySuiteOptions = {}): Promise<PropertySuiteResult> {
  validate(opts);
  const runtime = opts.runtime ?? 'deterministic';
  const runs = opts.runs ?? 100;
  const seed = opts.seed ?? 20261125;
  const cpus = opts.cpus ?? 3;
  const variant = opts.variant;
  const variantArg = opts.variantArg === undefined ? '' : ` ${opts.variantArg}`;
  const t0 = performance.now();
  const invariants: InvariantResult[] = [];
  const counterexamples: Counterexample[] = [];
  const signal = opts.signal ?? new AbortController().signal;
  let interrupted = false;
  let totalRuns = 0, commands = 0, steps = 0;
  // abstract coverage is measured at the suite's CPU count only
  const absCov = opts.abstract !== undefined && opts.abstract.config.cpus === cpus ? new AbstractCoverage(opts.abstract) : undefined;
  if (runtime === 'threads') {
    const t = await threadsInvariants(opts.invariants ?? PROPERTY_INVARIANT_IDS, cpus, seed, runs, variant, variantArg, opts.maxCommands, signal, absCov);
    invariants.push(...t.results);
    counterexamples.push(...t.counterexamples);
    totalRuns += t.runs;
    commands += t.commands;
    interrupted ||= t.interrupted;
  }
  for (const id of runtime === 'threads' ? [] : opts.invariants ?? PROPERTY_INVARIANT_IDS) {
    if (signal.aborted) {
      invariants.push({ id, sentence: sentenceOf(id), status: 'not-checked', checks: 0, reason: 'interrupted (Ctrl-C) before this property ran' });
      interrupted = true;
      continue;
    }
    const o = await runInvariantPropertyAsync({
      id, cpus, seed, runs, variant,
      ...(opts.maxCommands === undefined ? {} : { maxCommands: opts.maxCommands }), ...(opts.idle === undefined ? {} : { idle: opts.idle }),
      ...(absCov === undefined ? {} : { abstract: absCov }),
      ...(opts.memory === undefined ? {} : { memory: opts.memory }),
    }, signal);
    totalRuns += o.stats.runs;
    commands += o.stats.commands;
    steps += o.stats.steps;
    interrupted ||= o.interrupted === true;
    invariants.push({ id, sentence: o.sentence, status: o.failed ? 'fail' : 'pass', checks: o.runs });
    if (o.counterexample !== null) counterexamples.push(o.counterexample);
    opts.onProperty?.({ id, status: o.failed ? 'fail' : 'pass', runs: o.runs });
  }
  const invMs = performance.now() - t0;
  const cov = new CoverageCounter([runtime === 'threads' ? 'properties:threads+refinement:deterministic' : 'properties:deterministic']);
  const rRuns = opts.refinementRuns ?? runs;
  let refinement: PropertySuiteResult['refinement'] = { runs: 0, status: 'pass', message: null, elapsedMs: 0 };
  if (rRuns > 0 && !signal.aborted) {
    // the refinement runs are deterministic-runtime runs: under the suite's memory model too
    const r = await runRefinementAsync({
      seed, runs: rRuns, variant, coverage: cov, ...(runtime === 'deterministic' && absCov !== undefined ? { abstract: absCov } : {}),
      ...(opts.memory === undefined ? {} : { memory: opts.memory }),
    }, signal);
    refinement = { runs: r.runs, status: r.failed ? 'fail' : 'pass', elapsedMs: r.elapsedMs, message: r.message, ...(r.undecided > 0 ? { undecided: r.undecided } : {}) };
    if (r.counterexample !== null) counterexamples.push(r.counterexample);
    interrupted ||= r.interrupted;
    opts.onProperty?.({ id: REFINEMENT_ID, status: refinement.status, runs: r.runs });
  } else if (rRuns > 0) {
    interrupted = true;
  }
  const coverage = cov.report(PROPERTY_UNREACHABLE);
  let abstract: PropertySuiteAbstract | null = null;
  if (absCov !== undefined && opts.abstract !== undefined) {
    const note = runtime === 'threads'
      ? 'threads runtime, SAMPLED: shared memory read by the host in a tight loop after each posted command until it returns (at most 5 ms), every 1 ms while awaiting quiescence and at quiescent points; a sample counts when two consecutive reads agree (a subset of the states passed; a read may still mix two moments)'
      : 'deterministic runtime: shared memory after every step of every property run and refinement run';
    if (opts.guided === true && runtime === 'deterministic' && !signal.aborted) {
      const g0 = performance.now();
      const g = runGuided(opts.abstract, absCov, { signal, ...(variant === undefined ? {} : { variant }) });
      const both = new AbstractCoverage(opts.abstract);
      both.absorb(absCov);
      both.absorb(g.guided);
      abstract = {
        coverage: {
          ...both.result(`${note}; then ${g.runs} guided runs (model paths of the uncovered states and transitions)`),
          guided: {
            randomStates: absCov.coveredStates, randomTransitions: absCov.coveredTransitions,
            closedStates: g.closedStates, closedTransitions: g.closedTransitions, attempted: g.attempted, runs: g.runs,
          },
        },
        guided: { reached: g.targets.filter((t) => t.reached).length, unreached: g.targets.filter((t) => !t.reached), violations: g.violations, elapsedMs: Math.round(performance.now() - g0) },
      };
    } else abstract = { coverage: absCov.result(note), guided: null };
  }
  const sec = Math.max(invMs / 1000, 1e-6);
  return {
    schema: 'smpcheck.properties/1',
    config: { runs, seed, cpus, runtime, variant: variant?.id ?? null, memory: opts.memory ?? 'sc' },
    invariants, counterexamples, refinement, interrupted,
    stats: { runs: totalRuns, commands, steps, elapsedMs: invMs, runsPerSecond: Math.round(totalRuns / sec), commandsPerSecond: Math.round(commands / sec) },
    coverage,
    abstract,
  };
}
