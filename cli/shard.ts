/**
 * Splitting a run's seed space across processes, the way `vitest --shard i/n` splits files: run k
 * (0-based) gets a seed derived from the base seed and k alone, and shard i/n takes the runs with
 * k % n === i - 1. So shards are disjoint, their union is the whole run set, and run k has the same
 * seed whichever shard (or none) runs it, which is what makes a shard's failure replayable alone.
 */
import { UsageError } from './errors.js';

export interface Shard {
  /** 1-based, as on the command line. */
  readonly index: number;
  readonly count: number;
}

export const NO_SHARD: Shard = { index: 1, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const bad = (why: string): never => {
    throw new UsageError(`--shard ${text}: ${why}`);
  };
  if (m === null) return bad('expected i/n, e.g. 2/4');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) return bad('n must be at least 1');
  if (!Number.isSafeInteger(index) || index < 1 || index > count) return bad(`i must be between 1 and ${count}`);
  return { index, count };
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

/**
 * Seed of run k: splitmix32 of (base seed, k). A hash rather than `seed + k` so that neighbouring
 * base seeds do not share most of their runs.
 */
export function runSeed(seed: number, k: number): number {
  let z = (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export interface ShardRun {
  /** Index of the run in the full, unsharded run set. */
  readonly k: number;
  readonly seed: number;
}

export function shardSeeds(seed: number, runs: number, shard: Shard = NO_SHARD): ShardRun[] {
  const out: ShardRun[] = [];
  for (let k = shard.index - 1; k < runs; k += shard.count) out.push({ k, seed: runSeed(seed, k) });
  return out;
}
