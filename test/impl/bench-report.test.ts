// reports/bench.json as `npm run bench` writes it (bench/report.ts), from fake samples: the stable
// ratio keys, the ratios computed from the medians of one run, targets and verdicts, the load average.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchJson, benchSummary, median, RATIO_KEYS, writeBenchReports, type BenchSamples } from '../../bench/report.js';

const samples: BenchSamples = {
  spin: [100, 300, 200], wait: [10_000, 9_000, 11_000], rpcs: [40_000, 42_000, 41_000], det: [2.5e6, 3e6, 2e6],
  detTso: [2e6], detLkmm: [0.2e6], poll: [500, 450, 400], halt: [11_000, 12_000, 13_000], pollGenerators: [4000, 4200, 4100],
  async: [300], many: [30_000], explore: [50_000, 40_000, 60_000], trace: [1e6, 3e6, 2e6], traceDat: [4e6],
  propertyRuns: [100], propertyCommands: [2000],
};
const env = { node: 'v20', cores: 2, loadavgStart: 0.5, loadavg1: 0.7, runs: 3, date: '2026-12-03T00:00:00Z', protocolForm: 'plain form', exploreStates: 1000 };

describe('bench report', () => {
  it('holds every ratio under its stable key, from the medians of the same run', () => {
    const j = benchJson(samples, env, null);
    for (const k of ['pollingVsSpin', 'haltedVsWaitNotify', 'postMessageVsPolling', 'detMStepsPerSec', 'exploreStatesPerSecPerCore', 'exploreParallelSpeedup', 'traceMEventsPerSec']) {
      expect(RATIO_KEYS).toContain(k);
      expect(j.ratios).toHaveProperty(k);
      expect(j.targets).toHaveProperty(k);
      expect(j.pass).toHaveProperty(k);
    }
    expect(j.ratios.pollingVsSpin).toBeCloseTo(450 / 200);
    expect(j.ratios.haltedVsWaitNotify).toBeCloseTo(12_000 / 10_000);
    expect(j.ratios.postMessageVsPolling).toBeCloseTo(41_000 / 450);
    expect(j.ratios.detMStepsPerSec).toBeCloseTo(2.5);
    expect(j.ratios.exploreStatesPerSecPerCore).toBe(50_000);
    expect(j.ratios.traceMEventsPerSec).toBeCloseTo(2);
    expect(j.ratios.exploreParallelSpeedup).toBeNull(); // not measured in this run
    expect(j.pass.exploreParallelSpeedup).toBeNull();
    expect(j.pass.pollingVsSpin).toBe(true);
    expect(j.pass.haltedVsWaitNotify).toBe(true);
    expect(j.pass.exploreStatesPerSecPerCore).toBe(false);
    expect(j.medians.syncSinglePollingGeneratorsNs).toBe(4100);
    expect(j.context.plainVsGenerators).toBeCloseTo(4100 / 450);
    const par = benchJson({ ...samples, exploreParallel: [1.8, 1.6, 1.9] }, env, null);
    expect(par.ratios.exploreParallelSpeedup).toBeCloseTo(1.8);
    expect(par.pass.exploreParallelSpeedup).toBe(true);
  });

  it('median: the middle sample, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('writes bench.json (schema, env with the load average, medians, ratios) and bench.md; prints the load and every ratio', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smpcheck-bench-report-'));
    try {
      writeBenchReports(benchJson(samples, env, 2e6), dir);
      const j = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      expect(j.schema).toBe('smpcheck.bench/3');
      expect(j.env?.loadavgStart).toBe(0.5);
      expect(j.env?.loadavg1).toBe(0.7);
      expect(Object.keys(j.ratios ?? {}).sort()).toEqual([...RATIO_KEYS].sort());
      expect(j.ratios?.exploreParallelSpeedup).toBeNull();
      expect(j.medians?.spinRttNs).toBe(200);
      const md = readFileSync(join(dir, 'bench.md'), 'utf8');
      expect(md).toContain('| pollingVsSpin | 2.25 | ≤ 3 | met |');
      const lines = benchSummary(benchJson(samples, env, null));
      expect(lines[0]).toContain('load average 0.50 at start, 0.70 at end');
      for (const k of RATIO_KEYS) expect(lines.some((l) => l.startsWith(k))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
