/**
 * The refinement campaign (INV-REFINEMENT) as data, like `runInvariantProperty` for the invariant
 * properties: pass, or a Counterexample with the workload and schedule, a per-CPU timeline of the
 * implementation's trace, and a replay token (`npx smpcheck replay smpp1.…`) that re-runs exactly
 * the failing case. Used by the suite (check, verify) and by `replay`.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../../impl/variant.js';
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import type { CoverageCounter } from '../../model/coverage.js';
import type { Counterexample } from '../../model/types.js';
import type { MemoryModel } from '../../impl/memory-models/runtime-memory.js';
import { interruptible } from '../interruptible.js';
import { encodeReplayToken, variantOfToken } from '../replay-token.js';
import { timelineOf } from '../timeline.js';
import { executeRefinementWorkload, refinementIdle, refinementProperty, type RefinementStats } from './refinement-property.js';
import { describeSmallWorkload, type SmallWorkload } from './small-workload.js';

export const REFINEMENT_ID = 'INV-REFINEMENT';
/** A finer ID of ours: the implementation refines the model (trace replay and quiescent views). */
export const REFINEMENT_SENTENCE = 'every implementation trace event is a step the model allows, and every quiescent state matches a model terminal state';
/** The refinement workloads use at most this many CPUs (`smallWorkloadArb`). */
export const REFINEMENT_CPUS = 3;

export interface RefinementRunOptions {
  readonly seed: number;
  readonly runs: number;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  readonly coverage?: CoverageCounter;
  /** abstract state coverage of every run (not of the counterexample's re-run) */
  readonly abstract?: AbstractCoverage;
  /** Replay exactly one failing path (from a token). */
  readonly path?: string;
  /** memory model of the implementation's protocol accesses (default sc; the model stays SC) */
  readonly memory?: MemoryModel;
}

export interface RefinementOutcome {
  readonly runs: number;
  readonly failed: boolean;
  readonly message: string | null;
  readonly counterexample: Counterexample | null;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  /** runs not judged: the model's state space of their workload was too large to enumerate */
  readonly undecided: number;
}

type Args = [SmallWorkload, number, boolean];

function params(o: RefinementRunOptions): fc.Parameters<Args> {
  return o.path === undefined ? { seed: o.seed, numRuns: o.runs } : { seed: o.seed, numRuns: o.runs, path: o.path, endOnFailure: true };
}

function property(o: RefinementRunOptions, stats: RefinementStats): fc.IPropertyWithHooks<Args> {
  return refinementProperty({
    variant: o.variant, ...(o.coverage === undefined ? {} : { coverage: o.coverage }), ...(o.abstract === undefined ? {} : { abstract: o.abstract }),
    ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }),
  }, stats);
}

export function runRefinement(o: RefinementRunOptions): RefinementOutcome {
  const t0 = performance.now();
  const stats: RefinementStats = { runs: 0, labels: 0, steps: 0 };
  const res = fc.check(property(o, stats), params(o));
  return outcomeOf(o, res, performance.now() - t0, stats.undecided ?? 0);
}

/** The same campaign, stoppable by Ctrl-C between runs. */
export async function runRefinementAsync(o: RefinementRunOptions, signal: AbortSignal): Promise<RefinementOutcome> {
  const t0 = performance.now();
  const stats: RefinementStats = { runs: 0, labels: 0, steps: 0 };
  const res = await fc.check(interruptible(property(o, stats), signal), params(o));
  return outcomeOf(o, res, performance.now() - t0, stats.undecided ?? 0);
}

function outcomeOf(o: RefinementRunOptions, res: fc.RunDetails<Args>, elapsedMs: number, undecided: number): RefinementOutcome {
  if (!res.failed || res.counterexample === null) {
    return { runs: res.numRuns, failed: false, message: null, counterexample: null, interrupted: res.interrupted, elapsedMs, undecided };
  }
  const err = res.errorInstance;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'refinement failed';
  const [w, seed, late] = res.counterexample;
  const { real } = executeRefinementWorkload(w, seed, late, o.variant, undefined, o.memory);
  const token = encodeReplayToken({
    v: 1, inv: REFINEMENT_ID, cpus: REFINEMENT_CPUS, faults: [], ...variantOfToken(o.variant), seed: res.seed,
    path: res.counterexamplePath, replayPath: '', runs: o.runs,
    ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }),
  });
  const counterexample: Counterexample = {
    invariant: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, message,
    steps: [...describeSmallWorkload(w), `schedule seed ${seed} (idle ${refinementIdle(seed) === 'poll' ? 'polls' : 'halts'})${late ? ', IPIs delivered late' : ''}${w.hotplug > 0 ? `, cpu${w.hotplug} down and up` : ''}${o.memory === undefined || o.memory === 'sc' ? '' : `, memory ${o.memory}`}`],
    timeline: timelineOf(real),
    replay: `npx smpcheck replay ${token}`,
  };
  return { runs: res.numRuns, failed: true, message, counterexample, interrupted: res.interrupted, elapsedMs, undecided };
}
