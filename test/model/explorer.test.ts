import { describe, expect, it } from 'vitest';
import { explore } from '../../model/explorer.js';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';
import { verifyModel } from '../../model/verify.js';
import { DEFAULT_WORKLOADS, WorkloadError, compileWorkload, findWorkload } from '../../model/workload.js';

describe('explorer on the correct model', () => {
  for (const cpus of [2, 3]) {
    for (const w of DEFAULT_WORKLOADS) {
      it(`${w.name} on ${cpus} CPUs: exhaustive, no invariant violated (all ${PROTOCOL_INVARIANT_IDS.length} IDs checked)`, () => {
        const r = explore({ cpus, workload: w, coverage: false });
        expect(r.complete).toBe(true);
        expect(r.violations.map((v) => v.message)).toEqual([]);
        expect(r.deadlocks).toBe(0);
        expect(r.terminals).toBeGreaterThan(0);
        for (const inv of r.invariants) expect(inv.checks, inv.id).toBeGreaterThan(0);
      });
    }
  }
  it('verifyModel: merged coverage reaches 100% of component states and transitions', () => {
    const s = verifyModel({ cpus: [3] });
    expect(s.violations).toBe(0);
    for (const c of s.coverage.components) {
      expect(c.uncovered, c.machine).toEqual({ states: [], transitions: [] });
      expect(c.states.covered).toBe(c.states.total);
      expect(c.transitions.covered).toBe(c.transitions.total);
    }
  });
  it('bad input gets a one-line error naming it', () => {
    expect(() => findWorkload('nope')).toThrow(/unknown workload "nope"/);
    expect(() => compileWorkload(findWorkload('single-wait'), 9)).toThrow(WorkloadError);
  });
});

describe('sizing workload', () => {
  it('stress (N CPUs x 2 requests x 1 hotplug) on 2 CPUs: exhaustive, no violation', () => {
    const r = explore({ cpus: 2, workload: 'stress', coverage: false });
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.states).toBe(631); // 679 before smpcfd_dead_cpu waited for the dead CPU's cfd CSDs in flight
  });
});

describe('bounds', () => {
  it('a maxStates bound stops the search and names the knob', () => {
    const r = explore({ cpus: 3, workload: 'hotplug-many', maxStates: 100, coverage: false });
    expect(r.complete).toBe(false);
    expect(r.bound).toMatch(/--max-states 100/);
    expect(r.states).toBeLessThanOrEqual(100 + 20);
  });
});
