import fc from 'fast-check';
import { fault } from '../support/variants.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadsSystem } from '../../impl/runtime/threads.js';
import { PropertyViolation } from '../../properties/real-system.js';
import { threadsProperty } from '../../properties/threads/threads-property.js';

const SEED = 20261125;
let pool: ThreadsSystem;
beforeAll(async () => {
  pool = await ThreadsSystem.start({ cpus: 3 });
}, 60_000);
afterAll(async () => {
  await pool.stop();
});

describe(`model-based properties on the threads runtime (fc.asyncModelRun, one pool of 3 workers, seed ${SEED})`, () => {
  it('every invariant checkable at quiescence holds on real threads', async () => {
    const stats = { runs: 0, commands: 0 };
    await fc.assert(threadsProperty({ pool, stats }), { seed: SEED, numRuns: 20 });
    expect(stats.runs).toBe(20);
    expect(stats.commands).toBeGreaterThan(20);
  }, 120_000);

  it('INV-NO-LEAK catches cfd-not-freed-at-dead on real threads', async () => {
    const res = await fc.check(threadsProperty({ pool, variant: fault('cfd-not-freed-at-dead'), select: ['INV-NO-LEAK'] }), { seed: SEED, numRuns: 30 });
    expect(res.failed).toBe(true);
    expect(res.errorInstance).toBeInstanceOf(PropertyViolation);
    expect((res.errorInstance as PropertyViolation).violation.id).toBe('INV-NO-LEAK');
  }, 120_000);
});
