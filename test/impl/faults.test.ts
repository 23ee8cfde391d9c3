import { describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import { C_QUEUE, C_TIF, FLAG_IDLE_POLL, flushSmpCallFunctionQueue, H_FLAGS, haltIdle, NULL, pollIdle, STEP, TIF_NEED_RESCHED, type Ctx, type Proto } from '../../variants/api.js';
import { overriddenNames, type ImplVariant } from '../../impl/variant.js';
import type { SmpRequest } from '../../impl/requests.js';
import { DeterministicSystem, runDeterministic, type DeterministicResult } from '../../impl/runtime/deterministic.js';
import { pctScheduler, priorityScheduler, randomScheduler, type Scheduler } from '../../impl/runtime/schedulers.js';

type Calls = readonly (readonly [number, SmpRequest])[];

interface Case {
  /** built-in variant id */
  readonly fault: string;
  /** the invariant the broken variant must violate */
  readonly inv: string;
  readonly cpus: number;
  readonly idle?: 'poll' | 'halt';
  readonly calls: Calls;
  /** a directed schedule, or null: hunt over PCT seeds (random seeds with `hunt: 'random'`) */
  readonly scheduler: Scheduler | null;
  readonly hunt?: 'pct' | 'random';
  readonly violated: (r: DeterministicResult) => boolean;
}

const failed = (r: DeterministicResult): boolean => r.status !== 'quiescent' || !r.accounting.ok;

const CASES: readonly Case[] = [
  {
    fault: 'B3-no-dying-flush', inv: 'INV-NO-LOST-CALL', cpus: 3, scheduler: null,
    calls: [[0, { kind: 'single', target: 1, wait: false }], [0, { kind: 'single', target: 1, wait: false }], [2, { kind: 'cpu_down', cpu: 1 }]],
    violated: (r) => r.accounting.lost > 0 || r.status === 'deadlock',
  },
  {
    fault: 'sync-unlock-before-func', inv: 'INV-SYNC-AFTER-RUN', cpus: 2, scheduler: priorityScheduler([0, 1, 3, 2]),
    calls: [[0, { kind: 'single', target: 1, wait: true }]],
    violated: (r) => r.accounting.returnedBeforeRun > 0,
  },
  {
    fault: 'B4-async-unlock-after-func', inv: 'INV-NO-DEADLOCK', cpus: 2, scheduler: priorityScheduler([0, 1, 2, 3]),
    calls: [
      [0, { kind: 'single', target: 1, wait: false, func: 'fn_stall' }],
      [0, { kind: 'single', target: 1, wait: false }],
      [0, { kind: 'open_gate' }],
    ],
    violated: (r) => r.status === 'deadlock',
  },
  {
    // two submitters of cpu1's shared async CSD (B6): both pass the -EBUSY test
    fault: 'B6-ebusy-test-race', inv: 'INV-ONE-OWNER', cpus: 3, scheduler: null,
    calls: [[0, { kind: 'single_async', target: 1, shared: true }], [2, { kind: 'single_async', target: 1, shared: true }]],
    violated: failed,
  },
  {
    // two senders share cpu1's csd_data (B11): both take it, the node is queued twice
    fault: 'B11-shared-csd-lock-not-atomic', inv: 'INV-ONE-OWNER', cpus: 3, scheduler: null,
    calls: [[0, { kind: 'single', target: 1, wait: false, dstCsd: true }], [2, { kind: 'single', target: 1, wait: false, dstCsd: true }]],
    violated: failed,
  },
  {
    fault: 'no-ipi-on-empty-edge', inv: 'INV-KICK', cpus: 2, idle: 'halt', scheduler: null,
    calls: [[0, { kind: 'single', target: 1, wait: true }]],
    violated: (r) => r.status === 'deadlock',
  },
  {
    fault: 'no-stop-machine-barrier', inv: 'INV-NO-LOST-CALL', cpus: 3, scheduler: null,
    calls: [[0, { kind: 'single', target: 1, wait: false }], [0, { kind: 'single', target: 1, wait: false }], [2, { kind: 'cpu_down', cpu: 1 }], [0, { kind: 'single', target: 1, wait: false }]],
    violated: failed,
  },
  {
    fault: 'cfd-not-freed-at-dead', inv: 'INV-NO-LEAK', cpus: 2, scheduler: null,
    calls: [[0, { kind: 'cpu_down', cpu: 1 }]],
    violated: (r) => r.accounting.leakedCfd > 0,
  },
  {
    fault: 'mask-not-intersected-online', inv: 'INV-ENXIO', cpus: 3, scheduler: priorityScheduler([0, 1, 2, 3, 4, 5]),
    calls: [[0, { kind: 'cpu_down', cpu: 1 }], [0, { kind: 'many', mask: [1, 2], wait: false }]],
    violated: (r) => r.accounting.lost > 0,
  },
  {
    fault: 'B9-wait-only-if-ipi', inv: 'INV-WAIT-SET', cpus: 3, scheduler: priorityScheduler([2, 0, 1, 3, 4, 5]),
    calls: [[2, { kind: 'single_async', target: 1 }], [0, { kind: 'many', mask: [1], wait: true }]],
    violated: (r) => r.accounting.returnedBeforeRun > 0,
  },
  {
    fault: 'idle-no-recheck', inv: 'INV-IPI-OR-POLL', cpus: 2, idle: 'poll', scheduler: null,
    calls: [[0, { kind: 'single', target: 1, wait: true }]],
    violated: (r) => r.status === 'deadlock',
  },
  {
    // the target must run its whole poll exit (clear POLLING, test, halt) between the sender's two
    // accesses: random scheduling finds it in about 1% of runs, PCT (one CPU at a time) not
    fault: 'set-nr-if-polling-not-atomic', inv: 'INV-NO-DEADLOCK', cpus: 2, idle: 'poll', scheduler: null, hunt: 'random',
    calls: [[0, { kind: 'single', target: 1, wait: true }]],
    violated: (r) => r.accounting.lost > 0 || r.status === 'deadlock',
  },
];

function runCase(c: Case, variant: ImplVariant | undefined, scheduler: Scheduler): DeterministicResult {
  return runDeterministic({ cpus: c.cpus, ...(variant === undefined ? {} : { variant }), idle: c.idle ?? 'poll', scheduler, trace: false }, c.calls).result;
}

describe('fault catalogue: every broken variant is caught by the deterministic runtime, the correct protocol is not', () => {
  it('covers twelve built-in variants, each replacing kernel functions (the audit catalogue, test/audit, covers every id)', () => {
    expect(new Set(CASES.map((c) => c.fault)).size).toBe(12);
    for (const c of CASES) expect(overriddenNames(fault(c.fault).impl).length, c.fault).toBeGreaterThan(0);
  });

  for (const c of CASES) {
    it(`${c.fault} violates ${c.inv}, replayably; the same scenario passes without the fault`, () => {
      const seeds = c.scheduler === null ? (c.hunt === 'random' ? 1500 : 300) : 1;
      const hunt = (seed: number): Scheduler => c.scheduler ?? (c.hunt === 'random' ? randomScheduler(seed) : pctScheduler(seed, 3, 150));
      let hit: { r: DeterministicResult } | null = null;
      for (let seed = 1; seed <= seeds && hit === null; seed++) {
        const r = runCase(c, fault(c.fault), hunt(seed));
        if (c.violated(r)) hit = { r };
      }
      expect(hit, `${c.fault}: not caught`).not.toBeNull();
      if (hit === null) return;
      const again = new DeterministicSystem({ cpus: c.cpus, variant: fault(c.fault), idle: c.idle ?? 'poll', trace: false });
      for (const [cpu, req] of c.calls) again.call(cpu, req);
      const replayed = again.replay(hit.r.schedule);
      expect(replayed.status).toBe(hit.r.status);
      expect(replayed.accounting).toEqual(hit.r.accounting);
      for (let seed = 1; seed <= Math.min(seeds, 60); seed++) {
        const ok = runCase(c, undefined, hunt(seed));
        expect(failed(ok), `${c.fault} scenario without the fault, seed ${seed}: ${ok.report ?? JSON.stringify(ok.accounting)}`).toBe(false);
      }
    });
  }
});

describe('counterexample', () => {
  it('a caught fault becomes a Counterexample naming the invariant, the calls, a timeline and the replay string', async () => {
    const { toCounterexample } = await import('../../impl/counterexample.js');
    const calls: Calls = [[0, { kind: 'cpu_down', cpu: 1 }]];
    const { sys, result } = runDeterministic({ cpus: 2, variant: fault('cfd-not-freed-at-dead') }, calls);
    const cx = toCounterexample(result, calls, sys.trace());
    expect(cx?.invariant).toBe('INV-NO-LEAK');
    expect(cx?.message).toMatch(/^INV-NO-LEAK violated after \d+ steps: 2 cfd allocation/);
    expect(cx?.steps).toEqual(['cpu0 cpu_down(cpu=1)']);
    expect(cx?.timeline.some((t) => t.lane === 'hotplug' && t.text.includes('smpcfd_dead_cpu'))).toBe(true);
    expect(cx?.replay).toBe(result.schedule);
    const ok = runDeterministic({ cpus: 2 }, calls);
    expect(toCounterexample(ok.result, calls, ok.sys.trace())).toBeNull();
  });
});

describe('kernel-faithful idle (kernel/sched/idle.c): no re-check of the queue before halting', () => {
  // The idle path the kit had until 2026-12: after clearing POLLING it also looked at its queue.
  // The kernel does not; it relies on set_nr_if_polling's cmpxchg against current_clr_polling_and_test.
  function* doIdleWithRecheck(c: Ctx, seq: number): Proto {
    if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
      const nr = yield* pollIdle(c, seq);
      yield STEP;
      if (nr || c.a.READ_ONCE(c.L.cpu(c.cpu, C_QUEUE)) !== NULL) {
        yield* flushSmpCallFunctionQueue(c);
        c.a.atomic_andnot(c.L.cpu(c.cpu, C_TIF), TIF_NEED_RESCHED);
        return;
      }
    }
    yield* haltIdle(c, seq);
  }

  it('set-nr-if-polling-not-atomic loses a call with the kernel\'s idle path, and an idle path that re-checks its queue hides it', () => {
    const broken = fault('set-nr-if-polling-not-atomic');
    const rescued: ImplVariant = { id: 'set-nr-plain+idle-recheck', url: null, impl: { ...broken.impl, do_idle: doIdleWithRecheck } };
    const calls: Calls = [[0, { kind: 'single', target: 1, wait: true }]];
    let caught = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const r = runDeterministic({ cpus: 2, variant: broken, idle: 'poll', scheduler: randomScheduler(seed), trace: false }, calls).result;
      if (r.accounting.lost > 0 || r.status === 'deadlock') caught++;
      const ok = runDeterministic({ cpus: 2, variant: rescued, idle: 'poll', scheduler: randomScheduler(seed), trace: false }, calls).result;
      expect(failed(ok), `rescued, seed ${seed}: ${ok.report ?? JSON.stringify(ok.accounting)}`).toBe(false);
    }
    expect(caught).toBeGreaterThan(0);
  });
});
