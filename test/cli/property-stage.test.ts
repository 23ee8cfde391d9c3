import { describe, expect, it } from 'vitest';
import { propertyStageOfAll } from '../../cli/property-run.js';
import { runPropertySuite } from '../../properties/index.js';
import { fault } from '../support/variants.js';

describe('verify: the deterministic property suite at several CPU counts is one stage', () => {
  it('merges 2 and 4 CPUs: pass when both pass, fail (naming the invariant) when one fails', async () => {
    const opts = { runs: 4, seed: 7, invariants: ['INV-NO-LOST-CALL', 'INV-KICK'] as const, refinementRuns: 2 };
    const two = await runPropertySuite({ ...opts, cpus: 2 });
    const four = await runPropertySuite({ ...opts, cpus: 4 });
    const ok = propertyStageOfAll([two, four]);
    expect(ok.stage).toBe('properties:deterministic');
    expect(ok.status).toBe('pass');
    expect(ok.detail).toMatch(/on 2 CPUs .* \| .* on 4 CPUs/);
    const broken = await runPropertySuite({ ...opts, runs: 100, cpus: 4, variant: fault('no-ipi-on-empty-edge') });
    const bad = propertyStageOfAll([two, broken]);
    expect(bad.status).toBe('fail');
    expect(bad.invariants.find((i) => i.id === 'INV-KICK')?.status).toBe('fail');
  });
});
