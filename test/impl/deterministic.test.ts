import { describe, expect, it } from 'vitest';
import { decodeSchedule } from '../../impl/runtime/schedule.js';
import { fault } from '../support/variants.js';
import type { ImplVariant } from '../../impl/variant.js';
import { EBUSY, EINVAL, ENOMEM, ENXIO } from '../../impl/errno.js';
import type { SmpRequest } from '../../impl/requests.js';
import { DeterministicSystem, runDeterministic, type DeterministicConfig } from '../../impl/runtime/deterministic.js';
import { exploreExhaustive } from '../../impl/runtime/explore.js';
import { pctScheduler, priorityScheduler, randomScheduler } from '../../impl/runtime/schedulers.js';
import { exportFtrace } from '../../impl/trace-export.js';

type Calls = readonly (readonly [number, SmpRequest])[];
const SEED = 42;

function run(cfg: Partial<DeterministicConfig> & { cpus: number }, calls: Calls) {
  return runDeterministic({ scheduler: randomScheduler(SEED), ...cfg }, calls);
}

describe(`deterministic runtime: calls and return codes (seed ${SEED})`, () => {
  it('smp_call_function_single wait=1: returns 0 after func ran once on the target (INV-SYNC-AFTER-RUN, INV-RUN-ON-TARGET)', () => {
    const { sys, result, ids } = run({ cpus: 2 }, [[0, { kind: 'single', target: 1, wait: true }]]);
    expect(result.status).toBe('quiescent');
    const r = sys.result(ids[0] ?? -1);
    expect(r).toMatchObject({ rc: 0, returned: true, expected: [1], ranOn: [1], runs: 1 });
    expect(result.accounting.ok).toBe(true);
  });

  it('smp_call_function_single wait=0 uses csd_data; INV-NO-LOST-CALL holds at quiescence', () => {
    const { sys, result, ids } = run({ cpus: 3 }, [
      [0, { kind: 'single', target: 1, wait: false }],
      [0, { kind: 'single', target: 2, wait: false }],
      [0, { kind: 'single', target: 1, wait: false }],
    ]);
    expect(result.status).toBe('quiescent');
    for (const id of ids) expect(sys.result(id)).toMatchObject({ rc: 0, runs: 1 });
    expect(result.accounting).toMatchObject({ lost: 0, duplicated: 0, locksStillSet: 0, ok: true });
  });

  it('a self-call runs locally with csd=NULL in the trace', () => {
    const { sys, result, ids } = run({ cpus: 2 }, [[1, { kind: 'single', target: 1, wait: true }]]);
    expect(result.status).toBe('quiescent');
    expect(sys.result(ids[0] ?? -1)).toMatchObject({ rc: 0, ranOn: [1] });
    const entry = sys.trace().find((e) => e.event === 'csd_function_entry');
    expect(entry?.fields.csd).toBe('0000000000000000');
    expect(entry?.cpu).toBe(1);
  });

  it('INV-ENXIO: invalid CPU and offline CPU return -ENXIO and never run', () => {
    const { sys, result, ids } = run({ cpus: 3, scheduler: priorityScheduler([0, 1, 2, 3, 4, 5]) }, [
      [0, { kind: 'single', target: 7, wait: true }],
      [0, { kind: 'cpu_down', cpu: 2 }],
      [0, { kind: 'single', target: 2, wait: true }],
      [0, { kind: 'single', target: 2, wait: false }],
      [0, { kind: 'any', mask: [2], wait: true }],
    ]);
    expect(result.status).toBe('quiescent');
    const [bad, down, off, offAsync, any] = ids.map((id) => sys.result(id));
    expect(bad).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(down).toMatchObject({ rc: 0 });
    expect(off).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(offAsync).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(any).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(result.accounting).toMatchObject({ enxio: 4, locksStillSet: 0, ok: true });
  });

  it('single_async: -EBUSY on a CSD whose previous submission is still locked (INV-NO-REUSE-LOCKED)', () => {
    // cpu0 runs first and to completion; cpu1 never gets to take the first request before the second.
    const { sys, result, ids } = run({ cpus: 2, scheduler: priorityScheduler([0, 1, 3, 2]) }, [
      [0, { kind: 'single_async', target: 1, csd: 0 }],
      [0, { kind: 'single_async', target: 1, csd: 0 }],
      [0, { kind: 'single_async', target: 1, csd: 1 }],
    ]);
    expect(result.status).toBe('quiescent');
    const [a, b, c] = ids.map((id) => sys.result(id));
    expect(a).toMatchObject({ rc: 0, runs: 1, ranOn: [1] });
    expect(b).toMatchObject({ rc: -EBUSY, runs: 0 });
    expect(c).toMatchObject({ rc: 0, runs: 1 });
    expect(result.accounting.ok).toBe(true);
  });

  it('single and many calls with interrupts disabled warn (counted, waiting or not) and then run, as the kernel does; async does not warn', () => {
    const { sys, result, ids } = run({ cpus: 2 }, [
      [0, { kind: 'single', target: 1, wait: true, irqsDisabled: true }],
      [0, { kind: 'many', mask: [1], wait: true, irqsDisabled: true }],
      [0, { kind: 'single_async', target: 1, irqsDisabled: true }],
      [0, { kind: 'single', target: 1, wait: false, irqsDisabled: true }],
      [0, { kind: 'any', mask: [1], wait: false, irqsDisabled: true }],
      [0, { kind: 'many', mask: [1], wait: false, irqsDisabled: true }],
      [0, { kind: 'single', target: 1, wait: true }],
    ]);
    expect(result.status).toBe('quiescent');
    const rs = ids.map((id) => sys.result(id));
    for (const r of rs) expect(r).toMatchObject({ rc: 0, runs: 1, ranOn: [1] });
    expect(result.accounting.irqsOffWarnings).toBe(5); // all but the async call and the irqs-on call
    expect(result.accounting.ok).toBe(true);
  });

  it('smp_call_function_many never runs on the caller; smp_call_function hits every other online CPU', () => {
    const { sys, result, ids } = run({ cpus: 4 }, [
      [0, { kind: 'many', mask: [0, 1, 3], wait: true }],
      [2, { kind: 'call_function', wait: true }],
      [1, { kind: 'many', mask: [0, 2, 3], wait: false }],
    ]);
    expect(result.status).toBe('quiescent');
    const [m, all, nw] = ids.map((id) => sys.result(id));
    expect(m).toMatchObject({ expected: [1, 3], ranOn: [1, 3], runs: 2 });
    expect(all).toMatchObject({ expected: [0, 1, 3], ranOn: [0, 1, 3], runs: 3 });
    expect(nw).toMatchObject({ ranOn: [0, 2, 3], runs: 3 });
    expect(result.accounting.ok).toBe(true);
  });

  it('on_each_cpu_cond_mask runs locally and only where cond holds; many_cond without run_local skips self', () => {
    const { sys, result, ids } = run({ cpus: 4 }, [
      [0, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2, 3], cond: [0, 2], wait: true }],
      [1, { kind: 'many_cond', mask: [0, 1, 2], runLocal: false, cond: [1, 2], wait: true }],
      [3, { kind: 'on_each_cpu_cond_mask', mask: [1, 3], wait: false }],
    ]);
    expect(result.status).toBe('quiescent');
    const [a, b, c] = ids.map((id) => sys.result(id));
    expect(a).toMatchObject({ ranOn: [0, 2], runs: 2 });
    expect(b).toMatchObject({ ranOn: [2], runs: 1 });
    expect(c).toMatchObject({ ranOn: [1, 3], runs: 2 });
  });

  it('smp_call_function_any prefers the caller, else the lowest online CPU of the mask (flat NUMA)', () => {
    const { sys, ids } = run({ cpus: 4 }, [
      [1, { kind: 'any', mask: [1, 3], wait: true }],
      [0, { kind: 'any', mask: [2, 3], wait: true }],
      [2, { kind: 'any', mask: [0, 3], wait: true }], // not cpu3, the next after the caller
    ]);
    expect(sys.result(ids[0] ?? -1).ranOn).toEqual([1]);
    expect(sys.result(ids[1] ?? -1).ranOn).toEqual([2]);
    expect(sys.result(ids[2] ?? -1).ranOn).toEqual([0]);
  });

  it('hotplug: down/up cycles keep INV-NO-LEAK (allocations = 2 per prepared CPU); bad hotplug requests are -EINVAL', () => {
    const { sys, result, ids } = run({ cpus: 4 }, [
      [0, { kind: 'cpu_down', cpu: 1 }],
      [0, { kind: 'cpu_up', cpu: 1 }],
      [0, { kind: 'cpu_down', cpu: 1 }],
      [0, { kind: 'cpu_down', cpu: 0 }],
      [0, { kind: 'cpu_up', cpu: 2 }],
      [0, { kind: 'cpu_up', cpu: 1 }],
      [3, { kind: 'cpu_down', cpu: 2 }],
      [3, { kind: 'cpu_up', cpu: 2 }],
    ]);
    expect(result.status).toBe('quiescent');
    expect(ids.map((id) => sys.result(id).rc)).toEqual([0, 0, 0, -EINVAL, -EINVAL, 0, 0, 0]);
    expect(result.accounting).toMatchObject({ leakedCfd: 0, allocLive: 8, ok: true });
    const hp = sys.trace().filter((e) => e.event === 'cpuhp_enter' && e.cpu === 0).map((e) => e.fields.fun);
    expect(hp).toEqual(['smpcfd_dead_cpu', 'smpcfd_prepare_cpu', 'smpcfd_dead_cpu', 'smpcfd_prepare_cpu']);
    expect(sys.trace().filter((e) => e.event === 'cpuhp_enter' && e.fields.fun === 'smpcfd_dying_cpu').map((e) => e.cpu)).toContain(1);
  });

  it('smpcfd_prepare_cpu fails with -ENOMEM under an allocator limit and rolls back (INV-NO-LEAK)', () => {
    const { sys, result, ids } = run({ cpus: 2, allocLimit: 3, scheduler: priorityScheduler([0, 1, 2, 3]) }, [
      [0, { kind: 'cpu_down', cpu: 1 }],
      [0, { kind: 'cpu_up', cpu: 1 }],
      [0, { kind: 'single', target: 1, wait: true }],
    ]);
    expect(result.status).toBe('quiescent');
    expect(ids.map((id) => sys.result(id).rc)).toEqual([0, -ENOMEM, -ENXIO]);
    expect(result.accounting).toMatchObject({ allocLive: 2, leakedCfd: 0 });
  });

  it('cfd-not-freed-at-dead is reported as a leak (INV-NO-LEAK)', () => {
    const { result } = run({ cpus: 2, variant: fault('cfd-not-freed-at-dead') }, [[0, { kind: 'cpu_down', cpu: 1 }]]);
    expect(result.accounting.leakedCfd).toBe(2);
    expect(result.accounting.ok).toBe(false);
  });

  it('a 4-CPU mix over 40 random seeds: every request accounted for, no lock bit set', () => {
    const calls: Calls = [
      [0, { kind: 'single', target: 1, wait: true }],
      [0, { kind: 'single_async', target: 2 }],
      [1, { kind: 'many', mask: [0, 2, 3], wait: true }],
      [2, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2, 3], wait: true }],
      [3, { kind: 'cpu_down', cpu: 2 }],
      [1, { kind: 'single', target: 2, wait: false }],
      [3, { kind: 'cpu_up', cpu: 2 }],
      [0, { kind: 'call_function', wait: false, func: 'fn_slow' }],
    ];
    for (let seed = 1; seed <= 40; seed++) {
      const { result } = runDeterministic({ cpus: 4, scheduler: randomScheduler(seed) }, calls);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok, `seed ${seed}`).toBe(true);
    }
  });
});

describe('deterministic runtime: concurrent hotplug from two control CPUs (regressions)', () => {
  // Found by a 1500-seed stress run: (1) a CPU onlined while it was still leaving stop_machine ran
  // with interrupts off; (2) a late participant read the NEXT stop_machine's dying CPU (ABA) and
  // took itself down; (3) a dead CPU's cfd was reused while its wait=0 CSDs were still queued.
  const calls: Calls = [
    [0, { kind: 'cpu_down', cpu: 1 }], [3, { kind: 'cpu_down', cpu: 2 }],
    [1, { kind: 'many', mask: [0, 1, 2, 3], wait: true }], [2, { kind: 'single', target: 0, wait: true }],
    [0, { kind: 'cpu_up', cpu: 1 }], [3, { kind: 'cpu_up', cpu: 2 }],
    [1, { kind: 'single_async', target: 3 }], [2, { kind: 'call_function', wait: false }],
    [0, { kind: 'cpu_down', cpu: 3 }], [0, { kind: 'single', target: 3, wait: false }], [0, { kind: 'cpu_up', cpu: 3 }],
    [3, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2, 3], wait: true }],
  ];
  it('600 seeds (random and PCT d=3): quiescent, every request accounted for, no warnings', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const scheduler = seed % 2 === 1 ? randomScheduler(seed) : pctScheduler(seed, 3, 400);
      const { result } = runDeterministic({ cpus: 4, scheduler, trace: false }, calls);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting, `seed ${seed}`).toMatchObject({ ok: true, unlockWarnings: 0, allocLive: 8 });
    }
  });
});

describe('deterministic runtime: schedules and replay', () => {
  const calls: Calls = [
    [0, { kind: 'single', target: 1, wait: true }],
    [1, { kind: 'many', mask: [0, 2], wait: true }],
    [2, { kind: 'single_async', target: 0 }],
    [2, { kind: 'cpu_down', cpu: 1 }],
  ];

  it(`a run replays bit-for-bit from its schedule string (same trace) (seed ${SEED})`, () => {
    const first = runDeterministic({ cpus: 3, scheduler: randomScheduler(SEED) }, calls);
    const text = exportFtrace(first.sys.trace());
    const again = new DeterministicSystem({ cpus: 3 });
    for (const [cpu, req] of calls) again.call(cpu, req);
    const r = again.replay(first.result.schedule);
    expect(r.status).toBe(first.result.status);
    expect(r.schedule).toBe(first.result.schedule);
    expect(exportFtrace(again.trace())).toBe(text);
    expect(text.split('\n').length).toBeGreaterThan(20);
  });

  it('a replay of a schedule on different calls diverges with a one-line error, not a hang', () => {
    const first = runDeterministic({ cpus: 3, scheduler: randomScheduler(SEED) }, calls);
    const other = new DeterministicSystem({ cpus: 3 });
    other.call(0, { kind: 'call_function', wait: true });
    const r = other.replay(first.result.schedule);
    expect(r.status).toBe('error');
    expect(r.report).toMatch(/replay diverged at step \d+/);
    expect(() => new DeterministicSystem({ cpus: 2 }).replay('nonsense')).toThrow(/schedule: 'nonsense' is not of the form/);
  });

  it('PCT and random schedulers are deterministic per seed', () => {
    const a = runDeterministic({ cpus: 3, scheduler: pctScheduler(5, 3, 300) }, calls).result.schedule;
    const b = runDeterministic({ cpus: 3, scheduler: pctScheduler(5, 3, 300) }, calls).result.schedule;
    const c = runDeterministic({ cpus: 3, scheduler: pctScheduler(6, 3, 300) }, calls).result.schedule;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('bounded exhaustive search (1 preemption) of a 2-CPU single call finds no violation', () => {
    const r = exploreExhaustive(
      (s) => {
        const sys = new DeterministicSystem({ cpus: 2, scheduler: s, idle: 'halt', trace: false });
        sys.call(0, { kind: 'single', target: 1, wait: true });
        return sys;
      },
      { maxPreemptions: 1, maxRuns: 5000, check: (res) => (res.status === 'quiescent' && res.accounting.ok ? null : res.report ?? 'accounting') },
    );
    expect(r.failure).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(r.runs).toBeGreaterThan(10);
  });
});

describe('deterministic runtime: broken variants are caught with a replayable schedule', () => {
  const b3: Calls = [
    [0, { kind: 'single', target: 1, wait: false }],
    [2, { kind: 'cpu_down', cpu: 1 }],
  ];

  function hunt(variant: ImplVariant | undefined, calls: Calls, seeds: number) {
    for (let seed = 1; seed <= seeds; seed++) {
      const { result } = runDeterministic({ cpus: 3, ...(variant === undefined ? {} : { variant }), scheduler: pctScheduler(seed, 3, 200) }, calls);
      if (result.status !== 'quiescent' || !result.accounting.ok) return { seed, result };
    }
    return null;
  }

  it('the correct protocol passes the B3 scenario on 200 PCT seeds', () => {
    expect(hunt(undefined, b3, 200)).toBeNull();
  });

  it('no-dying-flush (B3/B5): INV-NO-LOST-CALL and INV-LOCK-RELEASED violated; the schedule replays the failure', () => {
    const found = hunt(fault('B3-no-dying-flush'), b3, 200);
    expect(found).not.toBeNull();
    if (found === null) return;
    expect(found.result.accounting.lost).toBe(1);
    expect(found.result.accounting.locksStillSet).toBe(1);
    const again = new DeterministicSystem({ cpus: 3, variant: fault('B3-no-dying-flush') });
    for (const [cpu, req] of b3) again.call(cpu, req);
    const r = again.replay(found.result.schedule);
    expect(r.accounting).toEqual(found.result.accounting);
  });

  it('no-dying-flush: the sender next async call spins forever in csd_lock: a deadlock report names the CPU and its CSD (INV-NO-DEADLOCK)', () => {
    const calls: Calls = [
      [0, { kind: 'single', target: 1, wait: false }],
      [0, { kind: 'single', target: 1, wait: false }],
      [2, { kind: 'cpu_down', cpu: 1 }],
      [0, { kind: 'single', target: 2, wait: false }],
    ];
    let found = null;
    for (let seed = 1; seed <= 400 && found?.result.status !== 'deadlock'; seed++) {
      const r = runDeterministic({ cpus: 3, variant: fault('B3-no-dying-flush'), scheduler: pctScheduler(seed, 3, 200) }, calls);
      if (r.result.status === 'deadlock') found = r;
    }
    expect(found?.result.status).toBe('deadlock');
    expect(found?.result.report).toMatch(/INV-NO-DEADLOCK violated/);
    expect(found?.result.stuck?.[0]).toMatchObject({ cpu: 0 });
    expect(found?.result.stuck?.[0]?.waitsOn).toMatch(/csd_lock_wait on csd 0 .*fn_ping, cpu0 -> cpu1, lock bit set/);
  });

  it('no-ipi-on-empty-edge with halting idle: the waiter deadlocks', () => {
    const { result } = run({ cpus: 2, idle: 'halt', variant: fault('no-ipi-on-empty-edge') }, [[0, { kind: 'single', target: 1, wait: true }]]);
    expect(result.status).toBe('deadlock');
  });

  it('bad configuration is a one-line error naming the input', () => {
    expect(() => new DeterministicSystem({ cpus: 0 })).toThrow(/^cpus: 0 is not an integer in 1\.\.16$/);
    expect(() => fault('nope')).toThrow(/^fault 'nope': no such built-in variant \(known: B3-no-dying-flush, /);
    const d = new DeterministicSystem({ cpus: 2, variant: fault('B3-no-dying-flush') });
    expect(() => d.replay('smp2:2:smp.c:AAA')).toThrow(/variant smp\.c, system has 2 \/ B3-no-dying-flush/);
    expect(decodeSchedule('smp1:2:0:AAA').variant).toBe('smp.c'); // schedules from before variants
    expect(decodeSchedule('smp1:2:100:AAA').variant).toBe('fault-mask-100');
    expect(() => decodeSchedule('smp2:2:a b:AAA')).toThrow(/bad header/);
    expect(() => new DeterministicSystem({ cpus: 2 }).call(5, { kind: 'single', target: 0, wait: true })).toThrow(/^cpu: 5 is not in 0\.\.1$/);
  });
});
