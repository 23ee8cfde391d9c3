import { describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import { runPropertySuite } from '../../properties/suite.js';

describe('runPropertySuite (what the CLI verify/check call)', () => {
  it('returns JSON-able per-invariant results, stats and coverage, and component coverage (the CLI writes it, atomically, with the other reports)', async () => {
    const r = await runPropertySuite({ runs: 5, refinementRuns: 20, seed: 3, cpus: 3, invariants: ['INV-NO-LOST-CALL', 'INV-KICK'] });
    expect(r.invariants.map((i) => [i.id, i.status, i.checks])).toEqual([['INV-NO-LOST-CALL', 'pass', 5], ['INV-KICK', 'pass', 5]]);
    expect(r.refinement).toMatchObject({ runs: 20, status: 'pass', message: null });
    expect(r.stats.runs).toBe(10);
    expect(r.stats.commands).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.coverage.components.map((c) => c.machine)).toEqual(['csd', 'hotplug']);
    expect(r.coverage.components.every((c) => c.uncovered.transitions.length < c.transitions.total)).toBe(true);
  });

  it('a broken variant shows up as a failed invariant with a counterexample', async () => {
    const r = await runPropertySuite({ runs: 50, refinementRuns: 0, seed: 3, variant: fault('cfd-not-freed-at-dead'), invariants: ['INV-NO-LEAK'] });
    expect(r.invariants[0]?.status).toBe('fail');
    expect(r.counterexamples[0]?.invariant).toBe('INV-NO-LEAK');
    expect(r.counterexamples[0]?.replay).toMatch(/^npx smpcheck replay smpp1\./);
  });

  it('runtime threads: the command properties run on worker threads, step-level invariants are not-checked there', async () => {
    const r = await runPropertySuite({ runtime: 'threads', runs: 5, refinementRuns: 0, seed: 3, cpus: 2 });
    expect(r.config.runtime).toBe('threads');
    expect(r.invariants.find((i) => i.id === 'INV-NO-LOST-CALL')).toMatchObject({ status: 'pass', checks: 5 });
    expect(r.invariants.find((i) => i.id === 'INV-KICK')).toMatchObject({ status: 'not-checked', checks: 0 });
    expect(r.stats.runs).toBe(5);
  }, 60_000);

  it('bad options get a one-line error naming the option', async () => {
    await expect(runPropertySuite({ cpus: 1 })).rejects.toThrow(/^cpus must be an integer in 2\.\.8, got 1$/);
  });
});
