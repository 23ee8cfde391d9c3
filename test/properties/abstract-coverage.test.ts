/**
 * Issue 12: the implementation's abstraction (properties/abstract-impl.ts, read from shared memory)
 * agrees with the model's (model/abstract-state.ts) along known model paths, and coverage measures
 * something: a deliberately narrowed workload covers less.
 */
import { describe, expect, it } from 'vitest';
import { AbstractCoverage } from '../../model/abstract-coverage.js';
import { reachableAbstract } from '../../model/abstract-reachable.js';
import { DEFAULT_WORKLOADS } from '../../model/workload.js';
import { followPath, modelKeysAlong } from '../../properties/guided.js';
import { runPropertySuite } from '../../properties/index.js';
import { compileWorkload, findWorkload } from '../../model/workload.js';

const reach = reachableAbstract({ cpus: 2 });

describe('abstract coverage: implementation mapping (deterministic runtime along model paths)', () => {
  it('2 CPUs: driving the implementation along each reachable state\'s shortest model path reports the model\'s abstract state after every event', () => {
    const cov = new AbstractCoverage(reach);
    const failures: string[] = [];
    const byWorkload = new Map<string, { reached: number; total: number }>();
    for (const s of reach.states) {
      const r = followPath(s, 2, cov);
      const w = byWorkload.get(s.workload) ?? { reached: 0, total: 0 };
      w.total++;
      if (r.reached) w.reached++;
      else failures.push(`${s.workload}: ${s.key}: ${r.reason ?? 'final state differs'}`);
      byWorkload.set(s.workload, w);
      expect(r.violations, s.key).toEqual([]);
    }
    // every call-only workload maps exactly
    for (const name of ['single-wait', 'async-ebusy', 'many-nonempty', 'many-cond', 'any-mixed', 'idle-poll']) {
      const w = byWorkload.get(name);
      if (w === undefined) continue;
      expect(w.reached, `${name}: ${failures.filter((f) => f.startsWith(name)).slice(0, 3).join(' / ')}`).toBe(w.total);
    }
    // The only misses: hotplug paths whose next step the step-by-step schedule cannot give to any
    // enabled CPU. Never a state that differs from the model's ("not reached in N steps").
    for (const f of failures) expect(f).toMatch(/^hotplug(-many)?: .*: step \d+ \(cpu\d: [A-Z_]+\): no actor for it is enabled$/);
    expect(cov.coveredStates / reach.states.length).toBeGreaterThanOrEqual(0.95);
  });
  it('the model keys along a path are the ones the implementation is checked against (a wrong target is not "reached")', () => {
    const s = reach.states.find((x) => x.path.length >= 3 && x.workload === 'single-wait');
    if (s === undefined) throw new Error('no 3-step single-wait state');
    const keys = modelKeysAlong(compileWorkload(findWorkload(s.workload), 2), s.path);
    expect(keys.at(-1)).toBe(s.key);
    const other = reach.states.find((x) => x.key !== s.key && x.workload === s.workload) ?? s;
    const wrong = followPath({ ...s, key: other.key }, 2, new AbstractCoverage(reach));
    expect(wrong.reached).toBe(false);
  });
});

describe('abstract coverage: a narrowed workload covers less', () => {
  it('property suite with one command per run vs twelve, same seed and runs: strictly fewer abstract states and transitions', async () => {
    const opts = { runs: 15, refinementRuns: 0, seed: 11, cpus: 2, abstract: reach, invariants: ['INV-NO-LOST-CALL' as const] };
    const narrow = await runPropertySuite({ ...opts, maxCommands: 1 });
    const full = await runPropertySuite({ ...opts, maxCommands: 12 });
    const n = narrow.abstract?.coverage, f = full.abstract?.coverage;
    if (n === undefined || f === undefined) throw new Error('no abstract coverage measured');
    expect(n.states).toBeLessThan(f.states);
    expect(n.transitions).toBeLessThan(f.transitions);
    // and the model's own narrowed space is a strict subset (model/abstract-reachable.ts)
    const one = reachableAbstract({ cpus: 2, workloads: DEFAULT_WORKLOADS.filter((w) => w.name === 'single-wait') });
    expect(one.states.length).toBeLessThan(reach.states.length);
  });
});

describe('abstract coverage: shards merge', () => {
  it('two shards (seeds) merge to the union of what each covered, with the second shard\'s runs after the first\'s', async () => {
    const { abstractReport } = await import('../../cli/abstract-run.js');
    const { mergeAbstract } = await import('../../model/coverage-merge.js');
    const opts = { runs: 6, refinementRuns: 0, cpus: 2, abstract: reach, invariants: ['INV-NO-LOST-CALL' as const] };
    const a = abstractReport(reach, { properties: await runPropertySuite({ ...opts, seed: 1 }) });
    const b = abstractReport(reach, { properties: await runPropertySuite({ ...opts, seed: 2 }) });
    const m = mergeAbstract([a, b]);
    if (m === null) throw new Error('nothing merged');
    const union = new Set([...a.by.properties.covered, ...b.by.properties.covered].map(([i]) => i));
    expect(m.by.properties.states).toBe(union.size);
    expect(new Set(m.by.properties.covered.map(([i]) => i))).toEqual(union);
    expect(m.by.properties.runs).toBe(a.by.properties.runs + b.by.properties.runs);
    const onlyB = b.by.properties.covered.find(([i]) => !a.by.properties.covered.some(([j]) => j === i));
    if (onlyB !== undefined) expect(m.by.properties.covered.find(([i]) => i === onlyB[0])?.[1]).toBe(a.by.properties.runs + onlyB[1]);
    expect(m.by.explorer).toEqual(a.by.explorer);
    // every transition neither shard took stays listed, with its path (last event of its kind)
    const unionT = new Set([...a.by.properties.coveredTransitions, ...b.by.properties.coveredTransitions].map(([i]) => i));
    expect(m.uncoveredTransitions.length).toBe(reach.transitions.length - unionT.size);
    expect(a.uncoveredTransitions.length).toBe(reach.transitions.length - a.by.properties.transitions);
    for (const u of a.uncoveredTransitions) {
      expect(u.path.at(-1)).toMatch(new RegExp(`: ${u.kind}$`));
      expect(u.reason).toBe('not attempted (no guided pass)');
    }
    const { abstractMarkdown } = await import('../../report/coverage-md.js');
    expect(abstractMarkdown(m).join('\n')).toContain(`Abstract transitions not taken by the property suite (${m.uncoveredTransitions.length})`);
  });
});

describe('abstract coverage: the guided pass is a technique like the others', () => {
  it('on a broken variant it reports the violation with a replay line that names the variant and a 32-bit seed', async () => {
    const { guidedViolations } = await import('../../cli/abstract-run.js');
    const { findBuiltin, variantCliArg } = await import('../../variants/index.js');
    const v = findBuiltin('B3-no-dying-flush');
    if (v === null) throw new Error('no B3-no-dying-flush');
    const r = await runPropertySuite({ runs: 1, refinementRuns: 0, seed: -5, cpus: 2, abstract: reach, guided: true, variant: v, invariants: ['INV-NO-LOST-CALL'] });
    const ce = guidedViolations(r, variantCliArg(v));
    expect(ce.length).toBeGreaterThan(0);
    expect(ce[0]?.invariant).toMatch(/^INV-[A-Z-]+$/);
    expect(ce[0]?.replay).toBe(`npx smpcheck check --guided --cpus 2 --seed ${(-5 >>> 0)} --runs 1 ${variantCliArg(v)}`);
  });
});
