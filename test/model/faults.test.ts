import { describe, expect, it } from 'vitest';
import { explore } from '../../model/explorer.js';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';
import { BUILTIN_VARIANTS, modelVariant } from '../../variants/index.js';

const hit = new Set<string>();

describe('broken model variants (the built-in variants with model rules) are caught', () => {
  for (const v of BUILTIN_VARIANTS) {
    const m = v.model;
    const mv = modelVariant(v);
    if (m === null || mv === null) continue;
    const cpus = m.cpus ?? 3;
    const workload = m.workload ?? '';
    it(`${v.id} violates ${(m.breaks ?? []).join(', ')} with a short counterexample`, () => {
      const r = explore({ cpus, workload, variant: mv, coverage: false });
      const ids = r.violations.map((x) => x.invariant);
      expect(m.breaks?.length ?? 0, v.id).toBeGreaterThan(0);
      for (const b of m.breaks ?? []) expect(ids, `${v.id} should violate ${b}`).toContain(b);
      for (const x of r.violations) {
        hit.add(x.invariant);
        expect(x.steps.length).toBeLessThanOrEqual(20);
        expect(x.timeline).toHaveLength(x.steps.length);
        expect(x.message.startsWith(x.invariant)).toBe(true);
        expect(x.replay).toBe(`npx smpcheck explore --cpus ${cpus} --workload ${workload} --fault ${v.id}`);
      }
    });
  }
  it('every protocol invariant ID is violated by at least one fault', () => {
    const missing = PROTOCOL_INVARIANT_IDS.filter((id) => !hit.has(id));
    expect(missing).toEqual([]);
  });
});
