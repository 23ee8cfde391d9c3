import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { parseShard, runSeed, shardSeeds } from '../../cli/shard.js';

describe('shard', () => {
  it('parses i/n and rejects what vitest would reject, naming --shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['3/2', '0/2', '1/0', 'a/b', '2', '']) {
      expect(() => parseShard(bad)).toThrow(UsageError);
      expect(() => parseShard(bad)).toThrow(new RegExp(`^--shard ${bad}: `));
    }
  });
  it('shards are disjoint and their union is the full run set with the same seeds', () => {
    const all = shardSeeds(42, 37);
    const parts = [1, 2, 3, 4].map((i) => shardSeeds(42, 37, { index: i, count: 4 }));
    const ks = parts.flatMap((p) => p.map((r) => r.k));
    expect(new Set(ks).size).toBe(ks.length);
    expect([...ks].sort((a, b) => a - b)).toEqual(all.map((r) => r.k));
    for (const p of parts) for (const r of p) expect(r.seed).toBe(all[r.k]?.seed);
  });
  it('derives run seeds from base seed and k only, deterministically and spread out', () => {
    expect(runSeed(42, 3)).toBe(runSeed(42, 3));
    expect(runSeed(42, 3)).not.toBe(runSeed(43, 3));
    expect(new Set(shardSeeds(7, 1000).map((r) => r.seed)).size).toBe(1000);
  });
});
