import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../audit/catalogue.js';
import type { MemoryModel } from '../../impl/memory-models/runtime-memory.js';
import { DeterministicSystem, runDeterministic } from '../../impl/runtime/deterministic.js';
import { decodeSchedule } from '../../impl/runtime/schedule.js';
import { randomScheduler } from '../../impl/runtime/schedulers.js';
import { exploreExhaustive } from '../../impl/runtime/explore.js';
import type { SmpRequest } from '../../impl/requests.js';
import type { ImplVariant } from '../../impl/variant.js';
import { smpProperty } from '../../properties/property.js';
import { runInvariantProperty } from '../../properties/invariant-property.js';
import { replay } from '../../properties/replay.js';
import { findBuiltin } from '../../variants/index.js';
import { LkmmCore } from '../../impl/memory-models/lkmm.js';
import { rng } from '../../impl/runtime/schedulers.js';
import type { FenceKind, RmwOrder } from '../../impl/access.js';
import { LkmmReferenceCore } from '../fixtures/lkmm-reference.js';

const CALLS: readonly (readonly [number, SmpRequest])[] = [
  [0, { kind: 'single', target: 1, wait: true }], [1, { kind: 'single', target: 2, wait: true }], [2, { kind: 'many', mask: [0, 1], wait: true }],
];

/** fast-check's verdict on the property suite's command property (every invariant at once). */
function caught(variant: ImplVariant | undefined, memory: MemoryModel, runs: number): boolean {
  return fc.check(smpProperty({ cpus: 3, variant, select: [], memory }), { seed: 7, numRuns: runs }).failed;
}

describe('--memory on the deterministic runtime', () => {
  it('sc is the runtime as before: same schedule string (smp2) and trace with or without memory: sc', () => {
    const a = runDeterministic({ cpus: 3, scheduler: randomScheduler(5) }, CALLS);
    const b = runDeterministic({ cpus: 3, scheduler: randomScheduler(5), memory: 'sc' }, CALLS);
    expect(a.result.schedule).toMatch(/^smp2:3:smp\.c:/);
    expect(b.result.schedule).toBe(a.result.schedule);
    expect(b.sys.trace()).toEqual(a.sys.trace());
  });

  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: the schedule carries the memory model and its choices, and replays bit for bit`, () => {
      const a = runDeterministic({ cpus: 3, scheduler: randomScheduler(5), memory }, CALLS);
      expect(a.result.status).toBe('quiescent');
      expect(a.result.schedule.startsWith(`smp3:3:smp.c:${memory}:`)).toBe(true);
      const d = decodeSchedule(a.result.schedule);
      expect(d.memory).toBe(memory);
      expect(d.steps.length).toBeGreaterThan(a.result.steps); // memory choices between the actors
      const again = new DeterministicSystem({ cpus: 3, memory });
      for (const [cpu, req] of CALLS) again.call(cpu, req);
      const r = again.replay(a.result.schedule);
      expect(r.schedule).toBe(a.result.schedule);
      expect(again.trace()).toEqual(a.sys.trace());
      expect(() => new DeterministicSystem({ cpus: 3 }).replay(a.result.schedule)).toThrow(`recorded under memory ${memory}, system has memory sc`);
    });
  }

  it('the bounded DFS enumerates memory choices too: more runs than sc with no preemption at all', () => {
    const runs = (memory: MemoryModel): number => exploreExhaustive((s) => {
      const sys = new DeterministicSystem({ cpus: 2, scheduler: s, memory, trace: false });
      sys.call(0, { kind: 'single', target: 1, wait: true });
      return sys;
    }, { maxPreemptions: 0, maxRuns: 40, check: (r) => (r.status === 'quiescent' ? null : r.report ?? r.status) }).runs;
    const sc = runs('sc');
    expect(runs('lkmm')).toBeGreaterThan(sc);
    expect(runs('tso')).toBeGreaterThan(sc);
  });

  it('lkmm: a load may read a stale store (seen in the stale-read log)', () => {
    const l = runDeterministic({ cpus: 3, scheduler: randomScheduler(3), memory: 'lkmm' }, CALLS);
    expect((l.sys as unknown as { core: { staleReads: unknown[] } }).core.staleReads.length).toBeGreaterThan(0);
  });
});

describe('LkmmCore gcEvery', () => {
  it('forgetting what every CPU has passed changes no decision: same options and values as without', () => {
    const run = (gcEvery: number | undefined): string[] => {
      const r = rng(11);
      const out: string[] = [];
      const core = new LkmmCore(new Int32Array(6), 3, (n) => { out.push(`n${n}`); return Math.floor(r() * n); }, { window: 8, newestFirst: true, external: true, ...(gcEvery === undefined ? {} : { gcEvery }) });
      const ops = rng(12);
      const fences: FenceKind[] = ['mb', 'wmb', 'rmb'];
      const rmws: RmwOrder[] = ['mb', 'relaxed', 'acquire', 'release'];
      for (let k = 0; k < 3000; k++) {
        const cpu = Math.floor(ops() * 3);
        const i = Math.floor(ops() * 6);
        const x = ops();
        if (x < 0.35) out.push(`l${core.load(cpu, i, ops() < 0.3 ? 'acquire' : 'once')}`);
        else if (x < 0.65) core.store(cpu, i, k, ops() < 0.3 ? 'release' : 'once');
        else if (x < 0.85) out.push(`r${core.rmw(cpu, i, 'add', 1, 0, rmws[Math.floor(ops() * 4)] ?? 'mb')}`);
        else core.fence(cpu, fences[Math.floor(ops() * 3)] ?? 'mb');
      }
      return out;
    };
    const plain = run(undefined);
    expect(plain.filter((x) => x.startsWith('n')).length).toBeGreaterThan(100); // real choices were asked
    expect(run(1)).toEqual(plain);
    expect(run(16)).toEqual(plain);
  });
});

describe('LkmmCore (logs and delta joins) against the map-based reference core', () => {
  type Opts = ConstructorParameters<typeof LkmmCore>[3];
  /** options asked, values read, final memory: on random accesses of 4 CPUs to 12 words, some written behind the core's back */
  const run = (make: (m: Int32Array, choose: (n: number) => number) => { load: LkmmCore['load']; store: LkmmCore['store']; rmw: LkmmCore['rmw']; fence: LkmmCore['fence']; addressDependency: (cpu: number) => void }, seed: number, ops: number, external: boolean): string[] => {
    const r = rng(seed);
    const out: string[] = [];
    const mem = new Int32Array(12);
    const core = make(mem, (n) => { out.push(`n${n}`); return Math.floor(r() * n); });
    const o = rng(seed + 1);
    const fences: FenceKind[] = ['mb', 'wmb', 'rmb', 'mb__after_atomic'];
    const rmws: RmwOrder[] = ['mb', 'relaxed', 'acquire', 'release'];
    for (let k = 0; k < ops; k++) {
      const cpu = Math.floor(o() * 4);
      const i = Math.floor(o() * 12);
      const x = o();
      if (x < 0.05) core.addressDependency(cpu);
      if (x < 0.35) out.push(`l${core.load(cpu, i, o() < 0.3 ? 'acquire' : 'once')}`);
      else if (x < 0.6) core.store(cpu, i, k, o() < 0.3 ? 'release' : 'once');
      else if (x < 0.8) out.push(`r${core.rmw(cpu, i, o() < 0.5 ? 'add' : 'cmpxchg', 1, k, rmws[Math.floor(o() * 4)] ?? 'mb')}`);
      else if (x < 0.97 || !external) core.fence(cpu, fences[Math.floor(o() * 4)] ?? 'mb');
      else mem[i] = -k; // plain Atomics of code outside the core
    }
    out.push(`m${mem.join(',')}`);
    return out;
  };
  const settings: [string, Opts, boolean][] = [
    ['litmus (no window, no gc)', {}, false],
    ['runtime (window 8, newest first, external, gc every 256)', { window: 8, newestFirst: true, external: true, gcEvery: 256, logSlack: 512 }, true],
    ['runtime, gc every 4', { window: 8, newestFirst: true, external: true, gcEvery: 4, logSlack: 64 }, true],
    ['ordered dependent loads', { dependentLoads: 'ordered', window: 8, gcEvery: 64, logSlack: 1024 }, false],
  ];
  for (const [name, opts, external] of settings) {
    it(`${name}: the same options and values, seeds 1..4`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        let fast: LkmmCore | undefined;
        const a = run((m, ch) => (fast = new LkmmCore(m, 4, ch, opts)), seed, 20_000, external);
        const b = run((m, ch) => new LkmmReferenceCore(m, 4, ch, opts), seed, 20_000, external);
        expect(a.filter((x) => x.startsWith('n')).length).toBeGreaterThan(1000); // real choices were asked
        expect(a).toEqual(b);
        if (opts?.gcEvery !== undefined) expect(fast?.compactions ?? 0).toBeGreaterThan(0); // the renumbering ran
      }
    });
  }
});

/** barrier faults: caught under a weak model only (a logic race the catalogue also expects under weak models, B2, is caught by props under sc) */
const BARRIER = CATALOGUE.filter((e) => e.memory.length > 0 && !e.caughtBy.includes('props'));

describe('barrier faults: caught under the weak models the catalogue names, never under sc (seed 7, fixed runs)', () => {
  it('the catalogue has the barrier faults', () => {
    expect(BARRIER.map((e) => e.id)).toEqual(expect.arrayContaining(['B1-publish-relaxed', 'csd-unlock-no-release', 'csd-lock-wait-no-acquire', 'idle-no-mb-after-atomic']));
  });
  for (const e of BARRIER) {
    it(`${e.id}: caught under ${e.memory.join(', ')}, not under sc`, () => {
      for (const m of e.memory) expect(caught(e.variant, m, 80), `${e.id} under ${m}`).toBe(true);
      expect(caught(e.variant, 'sc', 40), `${e.id} under sc`).toBe(false);
    });
  }
  it('the correct code raises no alarm under tso or lkmm', () => {
    expect(caught(undefined, 'tso', 100)).toBe(false);
    expect(caught(undefined, 'lkmm', 100)).toBe(false);
  });

  it('B2-ipi-mask-from-queues (a logic race, not a reordering): INV-KICK under sc, tso and lkmm; the lkmm token replays', async () => {
    const v = findBuiltin('B2-ipi-mask-from-queues') ?? undefined;
    expect(CATALOGUE.find((e) => e.id === 'B2-ipi-mask-from-queues')?.memory).toEqual(['tso', 'lkmm']);
    for (const memory of ['sc', 'tso'] as const) expect(runInvariantProperty({ id: 'INV-KICK', cpus: 3, seed: 7, runs: 80, variant: v, memory }).failed, memory).toBe(true);
    const o = runInvariantProperty({ id: 'INV-KICK', cpus: 3, seed: 7, runs: 80, variant: v, memory: 'lkmm' });
    expect(o.failed).toBe(true);
    expect(o.counterexample?.message).toMatch(/^INV-KICK: cpu\d made cpu\d's queue non-empty/);
    const token = /replay (\S+)/.exec(o.counterexample?.replay ?? '')?.[1] ?? '';
    const again = await replay(token, (id) => findBuiltin(id));
    expect(again.failed).toBe(true);
    expect(again.counterexample?.message).toBe(o.counterexample?.message);
    expect(runInvariantProperty({ id: 'INV-KICK', cpus: 3, seed: 7, runs: 80, memory: 'lkmm' }).failed).toBe(false); // correct code
  });

  it('a weak-memory counterexample replays from its token (the token carries the memory model)', async () => {
    const v = findBuiltin('csd-unlock-no-release') ?? undefined;
    const o = runInvariantProperty({ id: 'INV-SYNC-AFTER-RUN', cpus: 3, seed: 7, runs: 80, variant: v, memory: 'lkmm' });
    expect(o.failed).toBe(true);
    const token = /replay (\S+)/.exec(o.counterexample?.replay ?? '')?.[1] ?? '';
    const again = await replay(token, (id) => findBuiltin(id));
    expect(again.failed).toBe(true);
    expect(again.counterexample?.message).toBe(o.counterexample?.message);
    // the timeline names the stale read of the function's effect and the barrier pair that forbids it
    const stale = o.counterexample?.timeline.filter((r) => r.text.startsWith('stale read: request')) ?? [];
    expect(stale.length).toBeGreaterThan(0);
    const m = /func effect = (\d+) \(store #(\d+); newest #(\d+) = (\d+)\); forbidden by csd_unlock's smp_store_release paired with csd_lock_wait's acquire/.exec(stale.at(-1)?.text ?? '');
    expect(m, stale.at(-1)?.text).not.toBeNull();
    // stale: an older store of the effect word than the newest, with another value
    expect(Number(m?.[2])).toBeLessThan(Number(m?.[3]));
    expect(m?.[1]).not.toBe(m?.[4]);
  });
});
