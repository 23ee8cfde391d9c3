/**
 * INV-REFINEMENT under weak memory: the implementation runs over the tso / lkmm core, its
 * observable events are mapped onto the SC, atomic-step model (properties/refinement/).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryModel } from '../../impl/memory-models/runtime-memory.js';
import { checkRefinement, executeRefinementWorkload, RefinementUndecided } from '../../properties/refinement/refinement-property.js';
import { ModelOracle } from '../../properties/refinement/model-oracle.js';
import type { SmallWorkload } from '../../properties/refinement/small-workload.js';
import { refinementInvariant } from '../../cli/property-run.js';
import livelock from '../fixtures/variants/llist-add-livelock.js';
import { runRefinement } from '../../properties/refinement/refinement-run.js';
import { smallWorkloadArb } from '../../properties/refinement/small-workload.js';
import { replay } from '../../properties/replay.js';
import { runPropertySuite } from '../../properties/suite.js';
import { findBuiltin } from '../../variants/index.js';
import { fault } from '../support/variants.js';

const RUNS = 100;
const FAULT_RUNS = 100;

describe(`INV-REFINEMENT under weak memory (correct code: ${RUNS} runs per model)`, () => {
  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: the correct code refines the SC model`, () => {
      const r = runRefinement({ seed: 1, runs: RUNS, memory });
      expect(r.message).toBeNull();
      expect(r.failed).toBe(false);
      expect(r.runs).toBe(RUNS);
    });
  }

  it('lkmm: those runs really read stale stores (the refinement is not an sc run in disguise)', () => {
    let stale = 0;
    fc.assert(fc.property(smallWorkloadArb(3), fc.nat(0xffff), fc.boolean(), (w, seed, late) => {
      stale += executeRefinementWorkload(w, seed, late, undefined, undefined, 'lkmm').real.sys.staleReads.length;
    }), { seed: 1, numRuns: 40 });
    expect(stale).toBeGreaterThan(40);
  });

  const caught = (id: string, memory: MemoryModel): string | null => runRefinement({ seed: 1, runs: FAULT_RUNS, memory, variant: fault(id) }).message;

  for (const id of ['csd-unlock-no-release', 'csd-lock-wait-no-acquire']) {
    it(`${id}: INV-REFINEMENT fails under lkmm (the waiting caller observes a state the model never returns in), passes under sc`, () => {
      expect(caught(id, 'lkmm')).toMatch(/^refinement \(2\): workload \[.*\]: request \d+ \(cpu\d, waiting\) returned 0 having observed its func's effect only from \{[\d,]*\} .*a non-SC observable/);
      expect(caught(id, 'sc')).toBeNull();
    });
  }

  it('B1-publish-relaxed: INV-REFINEMENT fails under lkmm (a stale ->next loses a queued CSD), passes under sc and tso', () => {
    expect(caught('B1-publish-relaxed', 'lkmm')).toMatch(/^refinement \(1\): final view .* is not the view of any of the model's/);
    expect(caught('B1-publish-relaxed', 'sc')).toBeNull();
    expect(caught('B1-publish-relaxed', 'tso')).toBeNull();
  });

  it('the suite runs refinement under its memory model; the counterexample says so and its token replays it', async () => {
    const v = fault('csd-unlock-no-release');
    const s = await runPropertySuite({ invariants: [], runs: 1, refinementRuns: FAULT_RUNS, seed: 1, variant: v, memory: 'lkmm' });
    expect(s.refinement.status).toBe('fail');
    const cx = s.counterexamples.find((c) => c.invariant === 'INV-REFINEMENT');
    expect(cx?.steps.at(-1)).toMatch(/memory lkmm$/);
    expect(cx?.timeline.some((e) => /stale read: request \d+ func effect/.test(e.text))).toBe(true);
    const again = await replay(cx?.replay.replace('npx smpcheck replay ', '') ?? '', (id) => findBuiltin(id));
    expect(again.failed).toBe(true);
    expect(again.counterexample?.message).toBe(cx?.message);
    const sc = await runPropertySuite({ invariants: [], runs: 1, refinementRuns: FAULT_RUNS, seed: 1, variant: v });
    expect(sc.refinement.status).toBe('pass');
  });
});

describe('INV-REFINEMENT: runs it cannot judge are not passes', () => {
  const w: SmallWorkload = { cpus: 2, scripts: [[{ kind: 'single', target: 1, wait: true }], []], hotplug: -1, enomem: false };
  class TooBig extends ModelOracle {
    override terminals(): Set<string> {
      throw new RangeError('refinement: model state space of this workload exceeds 200000 states');
    }
  }

  it('a workload whose model cannot be enumerated is undecided (not a violation, not a pass); all-undecided is "not checked"', () => {
    const oracles = new Map([[JSON.stringify(w), new TooBig(w)]]);
    expect(() => { checkRefinement(w, 1, false, {}, oracles); }).toThrow(RefinementUndecided);
    const stats = { runs: 0, labels: 0, steps: 0 };
    expect(() => { checkRefinement(w, 1, false, {}, new Map(), stats); }).not.toThrow();
    expect(stats.runs).toBe(1);
    const base = { schema: 'smpcheck.properties/1', interrupted: false } as const;
    const all = refinementInvariant({ ...base, refinement: { runs: 5, status: 'pass', message: null, elapsedMs: 1, undecided: 5 } } as unknown as Parameters<typeof refinementInvariant>[0]);
    expect(all.status).toBe('not-checked');
    expect(all.reason).toMatch(/too large to enumerate \(5 runs\)/);
    const some = refinementInvariant({ ...base, refinement: { runs: 5, status: 'pass', message: null, elapsedMs: 1, undecided: 2 } } as unknown as Parameters<typeof refinementInvariant>[0]);
    expect(some).toMatchObject({ status: 'pass', checks: 3 });
  });

  it('a run the livelock watchdog ends is INV-NO-DEADLOCK with "refinement not checked on this run", not a refinement verdict', () => {
    const lw: SmallWorkload = { cpus: 2, scripts: [[{ kind: 'single', target: 1, wait: false }], []], hotplug: -1, enomem: false };
    expect(() => { checkRefinement(lw, 1, false, { variant: livelock }, new Map()); }).toThrow(/^INV-NO-DEADLOCK violated on workload .*\(refinement not checked on this run\): .*livelock/);
  });
});
