import { describe, expect, it } from 'vitest';
import { explore, type ExploreResult } from '../../model/explorer.js';
import { exploreParallel } from '../../model/parallel-explorer.js';
import { findWorkload } from '../../model/workload.js';
import { BUILTIN_VARIANTS, modelVariant } from '../../variants/index.js';

/** What a parallel run must reproduce exactly: counts, verdicts and check counts, coverage, shortest lengths. */
function figures(r: ExploreResult): unknown {
  return {
    states: r.states, transitions: r.transitions, depth: r.depth, terminals: r.terminals, deadlocks: r.deadlocks,
    complete: r.complete, invariants: r.invariants, coverage: r.coverage,
    violations: r.violations.map((v) => `${v.invariant}:${v.steps.length}`).sort(),
  };
}

describe('parallel explorer (2 worker threads, shared fingerprint set) = the sequential explorer', () => {
  it('correct model, 3 CPUs (hotplug-many, async-shared, any-mixed) and stress on 2 CPUs', async () => {
    for (const [name, cpus] of [['hotplug-many', 3], ['async-shared', 3], ['any-mixed', 3], ['stress', 2]] as const) {
      const a = explore({ cpus, workload: name });
      const b = await exploreParallel({ cpus, workload: findWorkload(name), workers: 2 });
      expect(b.workers).toBe(2);
      expect(figures(b), name).toEqual(figures(a));
    }
  });
  it('onLevel reports each BFS level once: its sizes add up to the states, one per depth, the last one 0', async () => {
    const next: number[] = [];
    const r = await exploreParallel({ cpus: 3, workload: findWorkload('stress'), workers: 2, coverage: false, onLevel: (l) => { next.push(l.next); } });
    expect(1 + next.reduce((a, b) => a + b, 0)).toBe(r.states);
    expect(next.filter((n) => n > 0)).toHaveLength(r.depth);
    expect(next.at(-1)).toBe(0);
    expect(next.slice(0, 4)).toEqual([4, 9, 16, 25]); // stress at 3 CPUs: 1, 4, 9, 16, 25 states at depths 0–4
  });
  it('model faults: the same violated invariants, counterexamples as short as the sequential ones', async () => {
    const ids = ['B3-no-dying-flush', 'B6-ebusy-test-race', 'no-ipi-on-empty-edge', 'dead-cpu-frees-in-flight'];
    for (const id of ids) {
      const v = BUILTIN_VARIANTS.find((x) => x.id === id);
      const mv = v === undefined ? null : modelVariant(v);
      if (v?.model == null || mv === null) throw new Error(`no model fault ${id}`);
      const o = { cpus: v.model.cpus ?? 3, workload: v.model.workload ?? '', variant: mv, coverage: false };
      const a = explore(o);
      const b = await exploreParallel({ ...o, workers: 2 });
      expect(figures(b), id).toEqual(figures(a));
      expect(b.violations.length, id).toBeGreaterThan(0);
      for (const x of b.violations) {
        expect(x.timeline).toHaveLength(x.steps.length);
        expect(x.message.startsWith(x.invariant)).toBe(true);
      }
    }
  });
  it('a full shared table stops every worker cleanly and names the bound', async () => {
    const r = await exploreParallel({ cpus: 3, workload: 'hotplug-many', workers: 2, tableBytes: 8192, coverage: false });
    expect(r.complete).toBe(false);
    expect(r.bound).toMatch(/fingerprint table full/);
    // the 3/4 limit is checked before a slot is claimed, against the count the others have published
    // (every slots/256 = 4 inserts here): concurrent inserts may pass it by 4 + 1 per other worker
    expect(r.states).toBeGreaterThanOrEqual(768);
    expect(r.states).toBeLessThanOrEqual(768 + 5);
  });
  it('an abort (Ctrl-C) stops every worker and returns what was found, bound "interrupted"', async () => {
    const ac = new AbortController();
    const p = exploreParallel({ cpus: 3, workload: 'stress', workers: 2, coverage: false, signal: ac.signal });
    ac.abort(); // while the workers start: no level is expanded
    const r = await p;
    expect(r.complete).toBe(false);
    expect(r.bound).toMatch(/interrupted \(Ctrl-C\)/);
    expect(r.states).toBe(1);
    expect(r.workers).toBe(2);
  });
  it('abstract runs and provided-implementation variants fall back to this thread (workers: 1)', async () => {
    const r = await exploreParallel({ cpus: 2, workload: 'hotplug', workers: 2, abstract: true, coverage: false });
    expect(r.workers).toBe(1);
    expect(r.abstract?.states.size).toBeGreaterThan(5);
  });
});
