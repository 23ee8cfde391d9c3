/**
 * Swarm verification in Holzmann's sense for the explorer: n independent searches of the same
 * model, each with its own fingerprint hash seed, its own successor order and (with --max-depth D)
 * its own depth bound, with no coordination; `smpcheck merge` unions their verdicts and coverage.
 * Shard k (0-based) of n: hash seed runSeed(seed, k); successor order unchanged for k = 0, else
 * permuted from runSeed(seed ^ 0x5bd1e995, k); depth bound ⌈D·(k+1)/n⌉ (the last shard gets D).
 * The same (seed, k, n) always gives the same search, so `explore --shard i/n` in n processes and
 * `explore --swarm n` in one give the same rows.
 */
import type { ModelSearch } from './model-run.js';
import { formatShard, runSeed, type Shard } from './shard.js';

export function swarmSearch(seed: number, shard: Shard, maxDepth: number | undefined): ModelSearch {
  const k = shard.index - 1;
  const n = shard.count;
  return {
    hashSeed: runSeed(seed, k),
    orderSeed: k === 0 ? 0 : (runSeed(seed ^ 0x5bd1e995, k) | 1) >>> 0,
    ...(maxDepth === undefined ? {} : { maxDepth: Math.max(1, Math.ceil((maxDepth * (k + 1)) / n)) }),
    shard: formatShard(shard),
  };
}

export function swarmSearches(seed: number, n: number, maxDepth: number | undefined): ModelSearch[] {
  return Array.from({ length: n }, (_, k) => swarmSearch(seed, { index: k + 1, count: n }, maxDepth));
}
