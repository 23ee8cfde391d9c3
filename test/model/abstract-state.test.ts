import { describe, expect, it } from 'vitest';
import { abstractKey, abstractOfModel, parseAbstractKey } from '../../model/abstract-state.js';
import { AbstractCoverage, coverageSeries } from '../../model/abstract-coverage.js';
import { reachableAbstract } from '../../model/abstract-reachable.js';
import { FastStepper } from '../../model/fast-step.js';
import { Stepper, viewOf, type ModelState } from '../../model/step.js';
import { createSystemMachine } from '../../model/system.js';
import { compileWorkload, DEFAULT_WORKLOADS, findWorkload } from '../../model/workload.js';

const reach2 = reachableAbstract({ cpus: 2 });

describe('abstract state space (model/abstract-state.ts, abstract-reachable.ts)', () => {
  it('2 CPUs, default workloads: every abstract state is reached again by replaying its shortest path', () => {
    expect(reach2.states.length).toBeGreaterThan(50);
    for (const s of reach2.states) {
      const cw = compileWorkload(findWorkload(s.workload), 2);
      const m = createSystemMachine({ workload: cw });
      const fast = new FastStepper(m, cw);
      let x: ModelState = fast.initial(new Stepper(m, cw).initial());
      for (const e of s.path) {
        const y = fast.step(x as never, e);
        expect(y, `${s.key}: ${e.type} on cpu${e.cpu} enabled`).not.toBe(x);
        x = y;
      }
      expect(abstractKey(abstractOfModel(viewOf(x, cw), cw))).toBe(s.key);
    }
  });
  it('keys parse back to themselves; transitions join reachable states with a change', () => {
    for (const s of reach2.states) expect(abstractKey(parseAbstractKey(s.key))).toBe(s.key);
    for (const t of reach2.transitions) {
      expect(t.from).not.toBe(t.to);
      expect(reach2.states[t.from]).toBeDefined();
      expect(reach2.states[t.to]).toBeDefined();
    }
  });
  it('the key is invariant under CPU permutation (the symmetry quotient) but tells CPUs apart by content', () => {
    const a = parseAbstractKey(reach2.states[reach2.states.length - 1]?.key ?? '');
    expect(abstractKey({ cpus: [...a.cpus].reverse(), requests: [...a.requests].reverse() })).toBe(abstractKey(a));
    const keys = new Set(reach2.states.map((s) => s.key));
    expect(keys.size).toBe(reach2.states.length);
  });
  it('a narrowed workload set reaches a strict subset', () => {
    const narrow = reachableAbstract({ cpus: 2, workloads: DEFAULT_WORKLOADS.filter((w) => w.name === 'single-wait') });
    const all = new Set(reach2.states.map((s) => s.key));
    expect(narrow.states.length).toBeLessThan(reach2.states.length);
    for (const s of narrow.states) expect(all.has(s.key), s.key).toBe(true);
  });
  it('AbstractCoverage: first-run bookkeeping, transitions only between consecutive reachable states, extra states apart', () => {
    const cov = new AbstractCoverage(reach2);
    const t = reach2.transitions[0];
    if (t === undefined) throw new Error('no transition');
    const a = reach2.states[t.from]?.key ?? '', b = reach2.states[t.to]?.key ?? '';
    cov.beginRun();
    cov.observe(a);
    cov.beginRun();
    cov.observe(b); // new run: no transition from the previous run's last state
    expect(cov.coveredTransitions).toBe(0);
    cov.beginRun();
    cov.observe(a);
    cov.observe('not # reachable');
    cov.observe(b, t.kind);
    const r = cov.result('test');
    expect(r.extraStates).toBe(1);
    expect(r.covered).toEqual([[t.from, 1], [t.to, 2]].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0)));
    expect(r.coveredTransitions.map(([i]) => i)).toContain(0);
    expect(coverageSeries(r).at(-1)).toEqual({ runs: 3, states: 2, transitions: r.transitions });
  });
  it('AbstractCoverage in step mode: consecutive observations credit no transition; step() credits exactly (from, kind, to)', () => {
    // two reachable transitions with the same endpoints and different kinds, if the space has any
    const same = reach2.transitions.findIndex((t, i) => reach2.transitions.some((u, j) => j !== i && u.from === t.from && u.to === t.to));
    const i = same >= 0 ? same : 0;
    const t = reach2.transitions[i];
    if (t === undefined) throw new Error('no transition');
    const a = reach2.states[t.from]?.key ?? '', b = reach2.states[t.to]?.key ?? '';
    const cov = new AbstractCoverage(reach2, 'steps');
    cov.beginRun();
    cov.observe(a);
    cov.observe(b);
    expect(cov.coveredStates).toBe(2);
    expect(cov.coveredTransitions).toBe(0);
    expect(cov.step(b, t.kind, a)).toBe(reach2.transitions.some((u) => u.from === t.to && u.to === t.from && u.kind === t.kind));
    const before = cov.coveredTransitions;
    expect(cov.step(a, 'NO_SUCH_EVENT', b)).toBe(false);
    expect(cov.step(a, t.kind, 'not # reachable')).toBe(false);
    expect(cov.coveredTransitions).toBe(before);
    expect(cov.step(a, t.kind, b)).toBe(true);
    expect(cov.hasTransition(i)).toBe(true);
    const others = reach2.transitions.map((u, j) => [u, j] as const).filter(([u, j]) => j !== i && u.from === t.from && u.to === t.to);
    for (const [, j] of others) expect(cov.hasTransition(j)).toBe(false);
  });
});
