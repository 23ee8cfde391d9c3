import { describe, expect, it } from 'vitest';
import { H_OFFLINE_RUNS } from '../../impl/layout.js';
import { checkAtQuiescence } from '../../properties/quiescence-checks.js';
import { RealSystem } from '../../properties/real-system.js';

// INV-ORDER and INV-NOT-ON-OFFLINE: directed checks of the observers themselves; these tests show
// that their checks do fail when the run breaks them (the observations are doctored after the run).

/** A run in which one flush took a batch holding a SYNC and an ASYNC entry (late IPIs, seed search is fixed). */
function runWithMixedBatch(): { real: RealSystem; batchIndex: number } {
  for (let seed = 0; seed < 200; seed++) {
    const real = new RealSystem({ cpus: 3, idle: 'halt' });
    real.post(0, { kind: 'single', target: 2, wait: false }, 'async to 2');
    real.post(1, { kind: 'single', target: 2, wait: true }, 'sync to 2');
    real.quiesce(seed, true);
    const batchIndex = real.obs.batches.findIndex((b) => b.sync.includes(true) && b.sync.includes(false));
    if (batchIndex >= 0 && real.obs.violations.length === 0) return { real, batchIndex };
  }
  throw new Error('no seed in 0..199 gave a mixed SYNC/ASYNC batch');
}

describe('quiescence checks fail when the run breaks them', () => {
  it('INV-ORDER: a flush that ran its batch in another order than SYNC-first/FIFO is reported', () => {
    const { real, batchIndex } = runWithMixedBatch();
    const b = real.obs.batches[batchIndex];
    if (b === undefined) throw new Error('batch vanished');
    // pretend the flush had taken the entries the other way round: the recorded run order no longer fits
    real.obs.batches[batchIndex] = { ...b, csds: [...b.csds].reverse(), sync: b.sync };
    checkAtQuiescence(real.sys, real.obs, true, () => new Set<number>());
    expect(real.obs.violations.map((v) => v.id)).toContain('INV-ORDER');
    expect(real.obs.violations.find((v) => v.id === 'INV-ORDER')?.message).toMatch(/^INV-ORDER: cpu2 ran csd #\d+ as its 1th queued func/);
  });

  it('INV-NOT-ON-OFFLINE: a func run counted on an offline CPU is reported', () => {
    const real = new RealSystem({ cpus: 2 });
    real.post(0, { kind: 'single', target: 1, wait: true }, 'sync to 1');
    real.quiesce(1);
    expect(real.obs.violations).toEqual([]);
    Atomics.add(real.sys.mem.m, H_OFFLINE_RUNS, 1);
    real.quiesce(1);
    expect(real.obs.violations.map((v) => v.id)).toEqual(['INV-NOT-ON-OFFLINE']);
  });
});
