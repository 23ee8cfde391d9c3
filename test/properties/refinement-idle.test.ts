/**
 * Refinement with the kernel's idle path: idle CPUs poll on odd schedule seeds and halt on even
 * ones, and the polling runs catch the idle-path faults the halting runs cannot reach.
 */
import { describe, expect, it } from 'vitest';
import { refinementIdle } from '../../properties/refinement/refinement-property.js';
import { runRefinement } from '../../properties/refinement/refinement-run.js';
import { fault } from '../support/variants.js';

describe('INV-REFINEMENT with polling and halting idle CPUs', () => {
  it('the idle mode alternates with the schedule seed, so both idle paths are refined', () => {
    expect([1, 2, 3, 4].map(refinementIdle)).toEqual(['poll', 'halt', 'poll', 'halt']);
  });

  it('the correct code refines the model (400 runs, sc)', () => {
    const r = runRefinement({ seed: 5, runs: 400 });
    expect(r.message).toBeNull();
    expect(r.failed).toBe(false);
  });

  it('set-nr-if-polling-not-atomic: a polling target left with its call queued is a run the model does not allow', () => {
    const r = runRefinement({ seed: 1, runs: 1000, variant: fault('set-nr-if-polling-not-atomic') });
    expect(r.failed).toBe(true);
    expect(r.message).toMatch(/^refinement \(1\): final view/);
    expect(r.counterexample?.steps.at(-1)).toMatch(/\(idle polls\)/);
  });

  it('idle-no-mb-after-atomic: caught under lkmm, not under sc', () => {
    const weak = runRefinement({ seed: 1, runs: 1000, variant: fault('idle-no-mb-after-atomic'), memory: 'lkmm' });
    expect(weak.failed).toBe(true);
    expect(weak.counterexample?.steps.at(-1)).toMatch(/\(idle polls\).*memory lkmm/);
    const sc = runRefinement({ seed: 1, runs: 300, variant: fault('idle-no-mb-after-atomic') });
    expect(sc.failed).toBe(false);
  });
});
