import { describe, expect, it } from 'vitest';
import { explore } from '../../model/explorer.js';
import { MODEL_FAULTS } from '../../model/faults.js';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';

const hit = new Set<string>();

describe('broken model variants are caught', () => {
  for (const f of MODEL_FAULTS) {
    it(`${f.id} violates ${f.breaks.join(', ')} with a short counterexample`, () => {
      const r = explore({ cpus: f.cpus, workload: f.workload, fault: f.id, coverage: false });
      const ids = r.violations.map((v) => v.invariant);
      for (const b of f.breaks) expect(ids, `${f.id} should violate ${b}`).toContain(b);
      for (const v of r.violations) {
        hit.add(v.invariant);
        expect(v.steps.length).toBeLessThanOrEqual(20);
        expect(v.timeline).toHaveLength(v.steps.length);
        expect(v.message.startsWith(v.invariant)).toBe(true);
        expect(v.replay).toBe(`npx smpcheck explore --cpus ${f.cpus} --workload ${f.workload} --fault ${f.id}`);
      }
    });
  }
  it('every protocol invariant ID is violated by at least one fault', () => {
    const missing = PROTOCOL_INVARIANT_IDS.filter((id) => !hit.has(id));
    expect(missing).toEqual([]);
  });
});
