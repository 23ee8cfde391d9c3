import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../model/types.js';
import { mergeCoverage, mergeInvariants, mergeResults, recountComponent } from '../../report/merge.js';
import { toResultsFile } from '../../report/report-input.js';
import { reportInput } from '../support/fixtures.js';

const cov = (visits: number[], unreachable: string[] = []): CoverageReport => ({
  schema: 'smpcheck.coverage/1',
  sources: ['explorer'],
  components: [
    recountComponent(
      'csd',
      visits.map((v, i) => ({ id: `s${i}`, visits: v })),
      [{ id: 't0', visits: visits[0] ?? 0 }],
      unreachable.map((id) => ({ id, reason: 'needs 3 CPUs' })),
    ),
  ],
});

describe('merge', () => {
  it('sums visits by id, so an item covered in any shard is covered', () => {
    const m = mergeCoverage([cov([1, 0, 0]), cov([0, 2, 0])]);
    const c = m.components[0];
    expect(c?.states.items.map((i) => i.visits)).toEqual([1, 2, 0]);
    expect(c?.states.covered).toBe(2);
    expect(c?.uncovered.states).toEqual(['s2']);
  });
  it('keeps an item unreachable only if every shard says so', () => {
    expect(mergeCoverage([cov([1, 0, 0], ['s2']), cov([1, 0, 0], ['s2'])]).components[0]?.uncovered.states).toEqual(['s1']);
    expect(mergeCoverage([cov([1, 0, 0], ['s2']), cov([1, 0, 0])]).components[0]?.uncovered.states).toEqual(['s1', 's2']);
  });
  it('combines invariant verdicts fail > pass > not-checked and adds checks', () => {
    const m = mergeInvariants([
      [{ id: 'INV-NO-LOST-CALL', sentence: 's', status: 'pass', checks: 3 }],
      [{ id: 'INV-NO-LOST-CALL', sentence: 's', status: 'fail', checks: 2 }],
      [{ id: 'INV-NO-LOST-CALL', sentence: 's', status: 'not-checked', checks: 0 }],
    ]);
    expect(m).toEqual([{ id: 'INV-NO-LOST-CALL', sentence: 's', status: 'fail', checks: 5 }]);
  });
  it('adds runs and lists shards; counterexamples with the same replay line appear once', () => {
    const a = { ...toResultsFile(reportInput({ fail: true })), runs: { command: 'check', seed: 1, runs: 5, shards: ['1/2'], durationMs: 10, interrupted: false } };
    const b = { ...toResultsFile(reportInput({ fail: true })), runs: { command: 'check', seed: 1, runs: 4, shards: ['2/2'], durationMs: 20, interrupted: true } };
    const m = mergeResults([a, b], 'now');
    expect(m.runs).toEqual({ command: 'check', seed: 1, runs: 9, shards: ['1/2', '2/2'], durationMs: 30, interrupted: true });
    expect(m.counterexamples).toHaveLength(1);
    expect(() => mergeResults([])).toThrow('nothing to merge');
  });
});
