/**
 * The property part of `check` and `verify`: the fast-check model-based suite on one runtime,
 * for this shard's share of the seed space.
 */
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { REFINEMENT_ID, REFINEMENT_SENTENCE, runPropertySuite, SuiteOptionError, type PropertySuiteResult } from '../properties/index.js';
import type { InvariantResult } from '../model/types.js';
import type { AbstractReachable } from '../model/abstract-reachable.js';
import { mergeInvariants } from '../report/merge.js';
import type { StageVerdict } from '../report/report-input.js';
import { tableHtml } from '../report/table-html.js';
import { UsageError } from './errors.js';
import type { Runtime, SelectedVariant } from './options.js';
import type { ShardRun } from './shard.js';

/**
 * fast-check takes a signed 32-bit seed and itself uses `seed | 0` of any larger number; smpcheck's
 * seeds are unsigned 32-bit (0..4294967295), so the suite gets the same 32 bits as a signed
 * integer: `toFastCheckSeed(s) = s | 0`, and `s = fc >>> 0` gives it back (what replay lines print).
 */
export const toFastCheckSeed = (seed: number): number => seed | 0;
export const fromFastCheckSeed = (seed: number): number => seed >>> 0;

/**
 * One fast-check campaign per shard: fast-check derives every run of a property from one seed, so a
 * shard's share is a campaign of its own size under the first seed of its share (disjoint seeds
 * across shards, and the unsharded run is the campaign under the base seed).
 */
export async function runProperties(opts: {
  readonly runtime: Runtime;
  readonly cpus: number;
  readonly seed: number;
  readonly runs: readonly ShardRun[];
  readonly sharded: boolean;
  readonly variant?: SelectedVariant | undefined;
  /** measure abstract state coverage against this reachable space; `guided` adds the guided pass */
  readonly abstract?: AbstractReachable;
  readonly guided?: boolean;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** memory model of the deterministic runtime (default sc) */
  readonly memory?: MemoryModel;
}): Promise<PropertySuiteResult> {
  const first = opts.runs[0];
  if (first === undefined) throw new UsageError('--shard: this shard has no runs (use fewer shards or more --runs)');
  try {
    return await runPropertySuite({
      runtime: opts.runtime, cpus: opts.cpus, runs: opts.runs.length,
      seed: toFastCheckSeed(opts.sharded ? first.seed : opts.seed),
      ...(opts.variant === undefined ? {} : { variant: opts.variant.variant, variantArg: opts.variant.arg }),
      ...(opts.abstract === undefined ? {} : { abstract: opts.abstract }),
      ...(opts.guided === undefined ? {} : { guided: opts.guided }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.memory === undefined || opts.memory === 'sc' ? {} : { memory: opts.memory }),
      onProperty: (p) => opts.log?.(`check ${opts.runtime} ${p.id}: ${p.status} (${p.runs} runs)`),
    });
  } catch (e) {
    if (e instanceof SuiteOptionError) throw new UsageError(e.message);
    throw e;
  }
}

export function propertySectionHtml(results: readonly PropertySuiteResult[]): string {
  return tableHtml(
    ['runtime', 'cpus', 'seed', 'runs', 'commands', 'runs/s', 'commands/s', 'refinement', 'failed'],
    results.map((r) => [
      r.config.runtime, r.config.cpus, fromFastCheckSeed(r.config.seed), r.stats.runs, r.stats.commands, r.stats.runsPerSecond,
      r.stats.commandsPerSecond, `${refinementInvariant(r).status} (${r.refinement.runs} runs)`,
      r.invariants.filter((i) => i.status === 'fail').map((i) => i.id).join(' '),
    ]),
  );
}

/** INV-REFINEMENT as an invariant verdict; "not checked" when no refinement run happened. */
export function refinementInvariant(r: PropertySuiteResult): InvariantResult {
  if (r.refinement.runs === 0 && r.refinement.status !== 'fail') {
    return { id: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, status: 'not-checked', checks: 0, reason: r.interrupted ? 'interrupted (Ctrl-C) before the refinement runs' : 'no refinement runs' };
  }
  const undecided = r.refinement.undecided ?? 0;
  if (undecided > 0 && undecided >= r.refinement.runs && r.refinement.status !== 'fail') {
    return { id: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, status: 'not-checked', checks: 0, reason: `every run's workload had a model state space too large to enumerate (${undecided} runs)` };
  }
  // runs the model side could not enumerate are not counted as checks
  return { id: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, status: r.refinement.status, checks: r.refinement.runs - undecided };
}

/** The stage `properties:<runtime>`: every invariant property and the refinement. */
export function propertyStage(r: PropertySuiteResult): StageVerdict {
  const invariants = [...r.invariants, refinementInvariant(r)];
  // an invariant broken on a coverage-guided run fails the stage too
  const guided = r.abstract?.guided?.violations.map((v) => /^(INV-[A-Z-]+)/.exec(v)?.[1] ?? 'INV-GUIDED') ?? [];
  const failed = [...new Set([...invariants.filter((i) => i.status === 'fail').map((i) => i.id), ...guided])];
  const detail = `${r.stats.runs} runs, ${r.stats.runsPerSecond} runs/s on ${r.config.cpus} CPUs (seed ${fromFastCheckSeed(r.config.seed)}); refinement ${refinementInvariant(r).status} (${r.refinement.runs} runs)${r.abstract?.guided == null ? '' : `; guided pass ${r.abstract.guided.reached} targets reached`}`;
  return {
    stage: `properties:${r.config.runtime}`, invariants,
    status: failed.length > 0 ? 'fail' : r.interrupted ? 'interrupted' : 'pass',
    detail: failed.length > 0 ? `${detail}; violated ${failed.join(', ')}` : r.interrupted ? `${detail}; interrupted by Ctrl-C` : detail,
  };
}

/**
 * One stage from the suite run at several CPU counts on one runtime (verify: 2, 3 and 4 CPUs):
 * the invariants merged (fail > pass > not checked), the details side by side.
 */
export function propertyStageOfAll(results: readonly PropertySuiteResult[]): StageVerdict {
  const stages = results.map(propertyStage);
  const first = stages[0];
  if (first === undefined) throw new Error('propertyStageOfAll: no results');
  const status = stages.some((s) => s.status === 'fail') ? 'fail' : stages.some((s) => s.status === 'interrupted') ? 'interrupted' : first.status;
  return { stage: first.stage, status, detail: stages.map((s) => s.detail).join(' | '), invariants: mergeInvariants(stages.map((s) => s.invariants)) };
}

/** `--json`'s `properties`: the figures of the property section. */
export function propertiesJson(r: PropertySuiteResult): Record<string, unknown> {
  return {
    runtime: r.config.runtime, cpus: r.config.cpus, seed: fromFastCheckSeed(r.config.seed), runs: r.stats.runs, commands: r.stats.commands,
    runsPerSecond: r.stats.runsPerSecond, commandsPerSecond: r.stats.commandsPerSecond, elapsedMs: Math.round(r.stats.elapsedMs),
    refinement: { ...r.refinement, elapsedMs: Math.round(r.refinement.elapsedMs), status: refinementInvariant(r).status }, interrupted: r.interrupted,
  };
}
