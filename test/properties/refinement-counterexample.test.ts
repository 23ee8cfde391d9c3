/**
 * Issue 14 §2: every counterexample of every kind has a per-CPU timeline and a replay command that
 * reproduces it — INV-REFINEMENT included (it used to be "after 0 steps", no timeline, no token).
 */
import { describe, expect, it } from 'vitest';
import { FAULT_IDS } from '../../impl/faults.js';
import { replay, runPropertySuite } from '../../properties/index.js';

describe('an INV-REFINEMENT counterexample', () => {
  it('has the workload as steps, a per-CPU timeline and a replay token that reproduces it', async () => {
    // The first implementation fault (in catalogue order) that breaks refinement within 40 runs.
    let found = null;
    for (const f of FAULT_IDS) {
      const r = await runPropertySuite({ faults: [f], invariants: [], runs: 40 });
      found = r.counterexamples.find((c) => c.invariant === 'INV-REFINEMENT') ?? null;
      if (found !== null) {
        expect(r.refinement.status).toBe('fail');
        break;
      }
    }
    expect(found, 'no fault broke refinement').not.toBeNull();
    if (found === null) return;
    const c = found;
    expect(c.steps.length).toBeGreaterThan(1);
    expect(c.timeline.length).toBeGreaterThan(0);
    expect(new Set(c.timeline.map((e) => e.cpu)).size).toBeGreaterThan(1);
    expect(c.replay).toMatch(/^npx smpcheck replay smpp1\.\S+$/);
    const again = replay(c.replay.split(' ').at(-1) ?? '');
    expect(again.failed).toBe(true);
    expect(again.counterexample?.invariant).toBe('INV-REFINEMENT');
    expect(again.counterexample?.message).toBe(c.message);
    expect(again.counterexample?.steps).toEqual(c.steps);
  });
});
