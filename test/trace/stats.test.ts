import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { TraceStatsCollector } from '../../trace/stats.js';

/** The figures an HDR histogram of the same configuration gives (what the stats promised before exact counting). */
function hdrSummary(values: readonly number[]): Record<string, number> {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (const v of values) h.recordValue(v);
  const us = (ns: number): number => Math.round(ns / 100) / 10;
  return { count: h.totalCount, p50: us(h.getValueAtPercentile(50)), p90: us(h.getValueAtPercentile(90)), p99: us(h.getValueAtPercentile(99)), p999: us(h.getValueAtPercentile(99.9)), max: us(h.maxValue), mean: us(h.mean) };
}

function latencies(values: readonly number[]): Record<string, number> {
  const s = new TraceStatsCollector();
  for (const v of values) s.exited('f', v);
  const f = s.result().perFunction.find((x) => x.func === 'f');
  return { ...(f?.entryToExit ?? {}) };
}

describe('trace stats latencies (exact counts summarised as the HDR histogram would)', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };

  it('gives the HDR figures for repeated microsecond values and outliers', () => {
    const values = Array.from({ length: 20_000 }, () => (rnd(10) === 0 ? rnd(5_000_000_000) : rnd(300) * 1000));
    expect(latencies(values)).toEqual(hdrSummary(values));
  });

  it('gives the HDR figures past the exact-count limit (nanosecond values, 40,000 distinct)', () => {
    const values = Array.from({ length: 60_000 }, () => rnd(40_000) * 37 + rnd(3));
    expect(latencies(values)).toEqual(hdrSummary(values));
  });
});
