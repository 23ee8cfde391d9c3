import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPropertySuite } from '../../properties/suite.js';

describe('runPropertySuite (what the CLI verify/check call)', () => {
  it('returns JSON-able per-invariant results, stats and coverage, and writes coverage.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smpcheck-props-'));
    const r = runPropertySuite({ runs: 5, refinementRuns: 20, seed: 3, cpus: 3, reportsDir: dir, invariants: ['INV-NO-LOST-CALL', 'INV-KICK'] });
    expect(r.invariants.map((i) => [i.id, i.status, i.checks])).toEqual([['INV-NO-LOST-CALL', 'pass', 5], ['INV-KICK', 'pass', 5]]);
    expect(r.refinement).toEqual({ runs: 20, status: 'pass', message: null });
    expect(r.stats.runs).toBe(10);
    expect(r.stats.commands).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const written: unknown = JSON.parse(readFileSync(join(dir, 'coverage.json'), 'utf8'));
    expect(written).toEqual(r.coverage);
    expect(r.coverage.components.map((c) => c.machine)).toEqual(['csd', 'hotplug']);
    expect(r.coverage.components.every((c) => c.uncovered.transitions.length < c.transitions.total)).toBe(true);
  });

  it('a broken variant shows up as a failed invariant with a counterexample', () => {
    const r = runPropertySuite({ runs: 50, refinementRuns: 0, seed: 3, faults: ['cfd-not-freed-at-dead'], invariants: ['INV-NO-LEAK'] });
    expect(r.invariants[0]?.status).toBe('fail');
    expect(r.counterexamples[0]?.invariant).toBe('INV-NO-LEAK');
    expect(r.counterexamples[0]?.replay).toMatch(/^npx smpcheck replay smpp1\./);
  });

  it('bad options get a one-line error naming the option', () => {
    expect(() => runPropertySuite({ cpus: 1 })).toThrow(/^cpus must be an integer in 2\.\.8, got 1$/);
    expect(() => runPropertySuite({ faults: ['nope' as never] })).toThrow(/^unknown fault 'nope'/);
  });
});
