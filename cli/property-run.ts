/**
 * The property part of `check` and `verify`: the fast-check model-based suite on one runtime,
 * for this shard's share of the seed space.
 */
import { FAULT_IDS, type FaultId } from '../impl/faults.js';
import { runPropertySuite, SuiteOptionError, type PropertySuiteResult } from '../properties/index.js';
import type { AbstractReachable } from '../model/abstract-reachable.js';
import { tableHtml } from '../report/table-html.js';
import { UsageError } from './errors.js';
import type { Runtime } from './options.js';
import type { ShardRun } from './shard.js';

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
  readonly faults?: readonly FaultId[];
  readonly abstract?: AbstractReachable;
  readonly guided?: boolean;
  readonly signal?: AbortSignal;
}): Promise<PropertySuiteResult> {
  const first = opts.runs[0];
  if (first === undefined) throw new UsageError('--shard: this shard has no runs (use fewer shards or more --runs)');
  try {
    return await runPropertySuite({
      runtime: opts.runtime, cpus: opts.cpus, runs: opts.runs.length,
      seed: opts.sharded ? first.seed : opts.seed,
      ...(opts.faults === undefined ? {} : { faults: opts.faults }),
      ...(opts.abstract === undefined ? {} : { abstract: opts.abstract }),
      ...(opts.guided === undefined ? {} : { guided: opts.guided }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  } catch (e) {
    if (e instanceof SuiteOptionError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--fault a,b` for the implementation: each id must be one of impl/faults.ts. */
export function parseImplFaults(text: string): FaultId[] {
  return text.split(',').map((f) => {
    const id = FAULT_IDS.find((k) => k === f);
    if (id === undefined) throw new UsageError(`--fault ${f}: unknown implementation fault (known: ${FAULT_IDS.join(', ')})`);
    return id;
  });
}

export function propertySectionHtml(results: readonly PropertySuiteResult[]): string {
  return tableHtml(
    ['runtime', 'cpus', 'seed', 'runs', 'commands', 'runs/s', 'commands/s', 'refinement', 'failed'],
    results.map((r) => [
      r.config.runtime, r.config.cpus, r.config.seed, r.stats.runs, r.stats.commands, r.stats.runsPerSecond,
      r.stats.commandsPerSecond, `${r.refinement.status} (${r.refinement.runs} runs)`,
      r.invariants.filter((i) => i.status === 'fail').map((i) => i.id).join(' '),
    ]),
  );
}
