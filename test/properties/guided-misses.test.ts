/**
 * Issue 12: the guided pass credits a transition only at a model step boundary, with the model
 * event's kind (model/abstract-coverage.ts `step`), and the classifier of what it still misses
 * (properties/guided-misses.ts) says why.
 */
import { describe, expect, it } from 'vitest';
import { AbstractCoverage } from '../../model/abstract-coverage.js';
import { reachableAbstract } from '../../model/abstract-reachable.js';
import { compileWorkload, findWorkload } from '../../model/workload.js';
import { followPath, modelKeysAlong } from '../../properties/guided.js';
import { classifyMisses } from '../../properties/guided-misses.js';

const reach = reachableAbstract({ cpus: 2 });

/** Records every key the implementation passed (RealSystem observes after every step). */
class KeyLog extends AbstractCoverage {
  readonly keys: string[] = [];
  override observe(key: string, kind?: string): void {
    this.keys.push(key);
    super.observe(key, kind);
  }
}

describe('guided pass: transitions at model step boundaries', () => {
  it('following a transition\'s path credits only (model state before, event kind, model state after) triples of that path, and the transition itself when reached', () => {
    let reached = 0;
    for (const [t, tr] of reach.transitions.entries()) {
      if (t % 4 !== 0) continue; // a quarter of them: lean
      const to = reach.states[tr.to];
      if (to === undefined) throw new Error('no target');
      const keys = modelKeysAlong(compileWorkload(findWorkload(tr.workload), 2), tr.path);
      const allowed = new Set(tr.path.map((e, i) => `${keys[i] ?? ''}\t${e.type}\t${keys[i + 1] ?? ''}`));
      const cov = new AbstractCoverage(reach, 'steps');
      const r = followPath({ key: to.key, workload: tr.workload, path: tr.path }, 2, cov);
      for (const [i] of cov.result('t').coveredTransitions) {
        const u = reach.transitions[i];
        if (u === undefined) throw new Error('no transition');
        expect(allowed.has(`${reach.states[u.from]?.key ?? ''}\t${u.kind}\t${reach.states[u.to]?.key ?? ''}`), `${tr.workload} #${t}`).toBe(true);
      }
      if (r.reached) {
        expect(cov.hasTransition(t), `${tr.workload} #${t}: reached but not credited`).toBe(true);
        reached++;
      }
    }
    expect(reached).toBeGreaterThan(0);
  });

  it('a SYNC entry unlocked by its flush is no running ASYNC entry (single-wait has SYNC calls only)', () => {
    const paths = reach.transitions.filter((t) => t.workload === 'single-wait' && t.kind === 'FLUSH_DONE');
    expect(paths.length).toBeGreaterThan(0);
    for (const t of paths) {
      const log = new KeyLog(reach);
      const r = followPath({ key: reach.states[t.to]?.key ?? '', workload: t.workload, path: t.path }, 2, log);
      expect(r.reached).toBe(true);
      for (const k of log.keys) expect(k).not.toMatch(/:A>/);
    }
  });

  it('the classifier: on 2 CPUs every transition the follower misses is a lost schedule ("no actor for it is enabled") on a hotplug path, never a state that differs from the model\'s', () => {
    const { misses, counts } = classifyMisses(reach, new Set());
    const missed = misses.filter((m) => m.cls !== 'covered');
    expect(misses.length).toBe(reach.transitions.length);
    expect(missed.length / reach.transitions.length).toBeLessThan(0.1);
    for (const m of missed) {
      expect(m.cls === 'lost-before' || m.cls === 'lost-at-last', JSON.stringify(m)).toBe(true);
      expect(m.detail).toMatch(/^[A-Z_]+: no actor for it is enabled$/);
      expect(m.workload).toMatch(/^hotplug/);
    }
    let total = 0;
    for (const v of counts.values()) total += v;
    expect(total).toBe(misses.length);
  });
});
