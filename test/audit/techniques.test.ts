import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../audit/catalogue.js';
import { runDetectors } from '../../audit/detectors.js';
import { modelTechnique } from '../../audit/model.js';
import { propertyTechnique } from '../../audit/props.js';
import type { TechniqueResult } from '../../audit/result.js';
import { deterministicStress, threadsStress } from '../../audit/stress.js';
import type { ImplVariant } from '../../impl/variant.js';
import { ThreadsSystem } from '../../impl/runtime/threads.js';

const SEED = 1;
const BUDGET_MS = 3000;
const CPUS = 3;

async function run(t: string, f: ImplVariant, budgetMs = BUDGET_MS): Promise<TechniqueResult | null> {
  const o = { variant: f, cpus: CPUS, seed: SEED, budgetMs };
  switch (t) {
    case 'props': return await propertyTechnique({ ...o, seeds: 1 });
    case 'det-random': return await deterministicStress(o, 'random');
    case 'det-pct': return await deterministicStress(o, 'pct');
    default: return null;
  }
}

describe(`each fault is caught by the techniques the catalogue claims (seed ${SEED}, budget ${BUDGET_MS} ms)`, () => {
  for (const e of CATALOGUE) {
    for (const t of e.caughtBy.filter((x) => x !== 'threads')) {
      it(`${e.id}: ${t} catches it (${e.breaks.join(', ')})`, async () => {
        let r: TechniqueResult | null;
        if (t === 'model') r = modelTechnique(e.variant);
        else if (t === 'detector') {
          const bad = runDetectors(e.variant).find((d) => d.failed);
          expect(bad, `${e.id}: no detector fired`).toBeDefined();
          expect(e.breaks).toContain(bad?.id);
          return;
        } else {
          if (e.implFunctions.length === 0) throw new Error(`${e.id}: ${t} needs an impl variant`);
          r = await run(t, e.variant);
        }
        expect(r?.status, `${e.id} missed by ${t}: ${r?.message ?? ''}`).toBe('caught');
        expect(r?.invariant).toMatch(/^INV-/);
        if (t !== 'model') expect(r?.ceLength).toBeGreaterThan(0);
      });
    }
  }
});

describe('the correct implementation passes the same techniques (no false alarm)', () => {
  it('model: every workload the model faults use is clean', () => {
    for (const w of [{ name: 'hotplug', cpus: 3 }, { name: 'many-nonempty', cpus: 2 }, { name: 'async-ebusy', cpus: 3 }]) {
      expect(modelTechnique(null, w).status).toBe('missed');
    }
  });
  it('props, det-random, det-pct: nothing fails within the budget', async () => {
    const o = { cpus: CPUS, seed: SEED, budgetMs: 1500 };
    for (const r of [await propertyTechnique({ ...o, seeds: 1 }), await deterministicStress(o, 'random'), await deterministicStress(o, 'pct')]) {
      expect(r.status, `${r.technique}: ${r.message ?? ''}`).toBe('missed');
      expect(r.runs).toBeGreaterThan(10);
    }
  });
});

describe('threads runtime stress (scftorture-style)', () => {
  let pool: ThreadsSystem;
  beforeAll(async () => { pool = await ThreadsSystem.start({ cpus: CPUS }); });
  afterAll(async () => { await pool.stop(); });
  for (const e of CATALOGUE.filter((x) => x.caughtBy.includes('threads'))) {
    it(`${e.id}: the threads stress catches it`, async () => {
      if (e.implFunctions.length === 0) throw new Error('threads needs an impl variant');
      const r = await threadsStress(pool, { variant: e.variant, cpus: CPUS, seed: SEED, budgetMs: 8000 });
      expect(r.status, `${e.id}: ${r.message ?? ''}`).toBe('caught');
    });
  }
  it('the correct implementation runs clean on threads', async () => {
    const r = await threadsStress(pool, { cpus: CPUS, seed: SEED, budgetMs: 1500 });
    expect(r.status, r.message ?? '').toBe('missed');
    expect(r.runs).toBeGreaterThan(3);
  });
});
