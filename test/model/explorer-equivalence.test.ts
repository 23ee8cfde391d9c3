import { describe, expect, it } from 'vitest';
import { explore, type ExploreResult } from '../../model/explorer.js';
import { DEFAULT_WORKLOADS } from '../../model/workload.js';
import { BUILTIN_VARIANTS, modelVariant } from '../../variants/index.js';
import { explore as reference, type ExploreResult as RefResult } from '../support/reference-explorer.js';

/** The figures both explorers must agree on. */
function figures(r: ExploreResult | RefResult): unknown {
  return {
    states: r.states, transitions: r.transitions, depth: r.depth, terminals: r.terminals, deadlocks: r.deadlocks,
    complete: r.complete, invariants: r.invariants, violations: r.violations, coverage: r.coverage,
  };
}
const abstractOf = (r: ExploreResult | RefResult): unknown => ({
  states: [...(r.abstract?.states ?? new Map())].sort(), transitions: [...(r.abstract?.transitions ?? new Map())].sort(),
});

describe('compact explorer (state codec + fingerprint set) = the JSON-key reference explorer', () => {
  for (const cpus of [2, 3]) {
    it(`every default workload on ${cpus} CPUs: same counts, verdicts, counterexamples, coverage and abstract states`, () => {
      for (const w of DEFAULT_WORKLOADS) {
        const a = explore({ cpus, workload: w, abstract: true });
        const b = reference({ cpus, workload: w, abstract: true });
        expect(figures(a), w.name).toEqual(figures(b));
        expect(abstractOf(a), w.name).toEqual(abstractOf(b));
        expect(a.states, w.name).toBeGreaterThan(10);
      }
    });
  }
  it('the sizing workload (stress) on 2 CPUs', () => {
    const a = explore({ cpus: 2, workload: 'stress', abstract: true });
    const b = reference({ cpus: 2, workload: 'stress', abstract: true });
    expect(figures(a)).toEqual(figures(b));
    expect(abstractOf(a)).toEqual(abstractOf(b));
  });
  it('every model fault: the same violations with the same shortest counterexamples', () => {
    let faults = 0;
    for (const v of BUILTIN_VARIANTS) {
      const mv = modelVariant(v);
      if (v.model === null || mv === null) continue;
      const o = { cpus: v.model.cpus ?? 3, workload: v.model.workload ?? '', variant: mv, coverage: false };
      const a = explore(o);
      const b = reference(o);
      expect(figures(a), v.id).toEqual(figures(b));
      expect(a.violations.length, v.id).toBeGreaterThan(0);
      faults++;
    }
    expect(faults).toBeGreaterThan(10);
  });
  it('a maxStates bound stops both at the same point', () => {
    const a = explore({ cpus: 3, workload: 'hotplug-many', maxStates: 100, coverage: false });
    const b = reference({ cpus: 3, workload: 'hotplug-many', maxStates: 100, coverage: false });
    expect([a.states, a.transitions, a.complete, a.bound]).toEqual([b.states, b.transitions, b.complete, b.bound]);
  });
  it('a full fingerprint table stops the search cleanly and names the bound', () => {
    const r = explore({ cpus: 3, workload: 'hotplug-many', tableBytes: 8192, coverage: false });
    expect(r.complete).toBe(false);
    expect(r.bound).toMatch(/fingerprint table full \(768 of 1024 slots.*tableBytes, --table-mb/);
    expect(r.states).toBe(768);
    expect(r.memory.tableEntries).toBe(768);
  });
});
