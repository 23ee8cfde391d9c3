/**
 * Issue 14 §2: every counterexample of every kind has a per-CPU timeline and a replay command that
 * reproduces it — INV-REFINEMENT included (it used to be "after 0 steps", no timeline, no token).
 */
import { describe, expect, it } from 'vitest';
import { replay, runPropertySuite } from '../../properties/index.js';
import { BUILTIN_VARIANTS, findBuiltin } from '../../variants/index.js';

describe('an INV-REFINEMENT counterexample', () => {
  it('has the workload as steps, a per-CPU timeline and a replay token that reproduces it', async () => {
    // The first built-in variant with implementation overrides (in catalogue order) that breaks refinement within 40 runs.
    let found = null;
    for (const v of BUILTIN_VARIANTS.filter((x) => Object.keys(x.impl).length > 0)) {
      const r = await runPropertySuite({ variant: v, invariants: [], runs: 40 });
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
    const again = await replay(c.replay.split(' ').at(-1) ?? '', findBuiltin);
    expect(again.failed).toBe(true);
    expect(again.counterexample?.invariant).toBe('INV-REFINEMENT');
    expect(again.counterexample?.message).toBe(c.message);
    expect(again.counterexample?.steps).toEqual(c.steps);
  });
});
