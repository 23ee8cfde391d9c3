import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import { EBUSY, ENOMEM, ENXIO } from '../../impl/errno.js';
import { FN_STALL } from '../../impl/functions.js';
import type { SmpRequest } from '../../impl/requests.js';
import { ThreadsSystem } from '../../impl/runtime/threads.js';
import { exportFtrace, exportPerfetto } from '../../impl/trace-export.js';

// One pool of 4 worker CPUs for the whole file (workers cost ~125 ms+ each to start with tsx);
// each test resets the shared memory with `restart` (toolchain gotcha 6).
let sys: ThreadsSystem;
beforeAll(async () => {
  sys = await ThreadsSystem.start({ cpus: 4 });
}, 60_000);
afterAll(async () => {
  await sys.stop();
});

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000 && !pred(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
}

describe('threads runtime (4 CPUs on real worker_threads)', () => {
  it('every call and return code: single, self, invalid, offline, irqs-off, many, call_function, cond mask, any', async () => {
    await sys.restart({ idle: 'poll' });
    expect(await sys.call(0, { kind: 'single', target: 1, wait: true })).toMatchObject({ rc: 0, ranOn: [1], runs: 1 });
    expect(await sys.call(2, { kind: 'single', target: 2, wait: true })).toMatchObject({ rc: 0, ranOn: [2] });
    expect(await sys.call(0, { kind: 'single', target: 9, wait: true })).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(await sys.call(0, { kind: 'single', target: 1, wait: true, irqsDisabled: true })).toMatchObject({ rc: 0, ranOn: [1], runs: 1 }); // warns, then runs
    expect(await sys.call(1, { kind: 'many', mask: [0, 1, 2, 3], wait: true })).toMatchObject({ rc: 0, ranOn: [0, 2, 3] });
    expect(await sys.call(3, { kind: 'call_function', wait: true })).toMatchObject({ ranOn: [0, 1, 2] });
    expect(await sys.call(0, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2, 3], cond: [0, 3], wait: true })).toMatchObject({ ranOn: [0, 3] });
    expect(await sys.call(0, { kind: 'many_cond', mask: [0, 1, 2], runLocal: true, wait: true })).toMatchObject({ ranOn: [0, 1, 2] });
    expect(await sys.call(2, { kind: 'any', mask: [0, 3], wait: true })).toMatchObject({ ranOn: [0] }); // the lowest online CPU of the mask, not cpu3 after the caller
    expect(await sys.call(0, { kind: 'cpu_down', cpu: 2 })).toMatchObject({ rc: 0 });
    expect(await sys.call(0, { kind: 'single', target: 2, wait: false })).toMatchObject({ rc: -ENXIO, runs: 0 });
    expect(await sys.call(1, { kind: 'many', mask: [2, 3], wait: true })).toMatchObject({ ranOn: [3] });
    expect(await sys.call(0, { kind: 'cpu_up', cpu: 2 })).toMatchObject({ rc: 0 });
    const q = await sys.quiesce();
    expect(q.status).toBe('quiescent');
    expect(q.accounting).toMatchObject({ lost: 0, duplicated: 0, wrongCpu: 0, locksStillSet: 0, leakedCfd: 0, allocLive: 8, irqsOffWarnings: 1, ok: true });
  });

  it('single_async on a CSD still in flight returns -EBUSY (INV-NO-REUSE-LOCKED); the request runs once the target frees up', async () => {
    await sys.restart({ idle: 'poll' });
    const { m, L } = sys.mem;
    // cpu1 runs fn_stall locally with interrupts off: it cannot take cpu0's request yet.
    const stall = sys.post(1, { kind: 'single', target: 1, wait: true, func: 'fn_stall' });
    await until(() => Atomics.load(m, L.funcRuns(FN_STALL, 1)) === 1, 'cpu1 to enter fn_stall');
    const first = await sys.call(0, { kind: 'single_async', target: 1, csd: 0 });
    const again = await sys.call(0, { kind: 'single_async', target: 1, csd: 0 });
    expect(first.rc).toBe(0);
    expect(again).toMatchObject({ rc: -EBUSY, runs: 0 });
    sys.openGate();
    await sys.wait(stall);
    const q = await sys.quiesce();
    expect(q.status).toBe('quiescent');
    expect(sys.result(first.id)).toMatchObject({ ranOn: [1], runs: 1 });
    expect(q.accounting.ok).toBe(true);
  });

  it('smpcfd_prepare_cpu returns -ENOMEM under an allocator limit and rolls back (INV-NO-LEAK)', async () => {
    await sys.restart({ allocLimit: 7 });
    expect(await sys.call(0, { kind: 'cpu_down', cpu: 3 })).toMatchObject({ rc: 0 });
    expect(await sys.call(0, { kind: 'cpu_up', cpu: 3 })).toMatchObject({ rc: -ENOMEM });
    const q = await sys.quiesce();
    expect(q.accounting).toMatchObject({ allocLive: 6, leakedCfd: 0 });
    await sys.restart({ allocLimit: -1 });
  });

  it('4 CPUs on 2 cores, a mix of all calls plus hotplug cycles: every request run exactly once or -ENXIO, no lock bit, no live cfd for dead CPUs', async () => {
    await sys.restart({ idle: 'poll', trace: false });
    const mix = (c: number, i: number): SmpRequest => {
      const t = (c + 1 + (i % 3)) % 4;
      switch (i % 8) {
        case 0: return { kind: 'single', target: t, wait: true };
        case 1: return { kind: 'single', target: t, wait: false };
        case 2: return i % 5 === 0 ? { kind: 'single_async', target: t, shared: true } : { kind: 'single_async', target: t, csd: (i >> 3) % 2 };
        case 3: return { kind: 'many', mask: [0, 1, 2, 3], wait: i % 16 === 3 };
        case 4: return { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2, 3], cond: [c, t], wait: true };
        case 5: return { kind: 'call_function', wait: false, func: 'fn_slow' };
        case 6: return { kind: 'any', mask: [t, (t + 1) % 4], wait: true };
        default: return { kind: 'many_cond', mask: [0, 1, 2, 3], runLocal: true, wait: true };
      }
    };
    const ids: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 24; i++) for (let c = 0; c < 4; c++) ids.push(sys.post(c, mix(c, i + round)));
      // hotplug cycles driven by cpu0 while the others keep calling
      ids.push(sys.post(0, { kind: 'cpu_down', cpu: 1 + (round % 3) }));
      for (let i = 0; i < 8; i++) for (let c = 0; c < 4; c++) ids.push(sys.post(c, mix(c, i)));
      ids.push(sys.post(0, { kind: 'cpu_up', cpu: 1 + (round % 3) }));
    }
    const q = await sys.quiesce(45_000);
    expect(q.status, q.message).toBe('quiescent');
    const a = q.accounting;
    expect(a.returned).toBe(ids.length);
    expect(a).toMatchObject({ lost: 0, duplicated: 0, wrongCpu: 0, offlineRuns: 0, locksStillSet: 0, leakedCfd: 0, unlockWarnings: 0, listCorruptions: 0 });
    expect(a.allocLive).toBe(8);
    // every request either ran exactly where it was queued, or returned an error and never ran
    for (const id of ids) {
      const r = sys.result(id);
      if (r.rc === 0) expect(r.ranOn, `request ${id}`).toEqual(r.expected);
      else expect(r.runs, `request ${id} rc ${r.rc}`).toBe(0);
    }
  }, 60_000);

  it('lock-wait debug: with no-ipi-on-empty-edge a waiter reports the stuck CSD, re-sends the IPI once and reports unstuck', async () => {
    await sys.restart({ variant: fault('no-ipi-on-empty-edge'), idle: 'halt', csdlockDebug: true, csdLockTimeoutMs: 40, trace: true });
    const r = await sys.call(0, { kind: 'single', target: 1, wait: true });
    expect(r).toMatchObject({ rc: 0, ranOn: [1] });
    expect((await sys.quiesce()).status).toBe('quiescent');
    const kinds = sys.debugReports.map((d) => d.kind);
    // under load the re-sent IPI may itself take longer than a timeout: then 'continued' reports follow
    // one NMI backtrace of the target per stall (B10 token), then only periodic reports
    expect(kinds.slice(0, 3)).toEqual(['detected', 'resend-ipi', 'backtrace']);
    expect(kinds.at(-1)).toBe('unstuck');
    expect(kinds.slice(3, -1).every((k) => k === 'continued')).toBe(true);
    const det = sys.debugReports[0];
    expect(det).toMatchObject({ waitingCpu: 0, targetCpu: 1, func: 'fn_ping', bugId: 1 });
    expect(det?.waitedMs).toBeGreaterThan(40);
    expect(det?.text).toMatch(/^csd: Detected non-responsive CSD lock \(#1\) on CPU#0, waiting \d+ ns for CPU#1 fn_ping\(\d+\)/);
    expect(sys.debugReports.at(-1)?.text).toMatch(/CSD lock \(#1\) got unstuck on CPU#0, CPU#1 released the lock/);
  });

  it('panic_on_ipistall: a target stuck in its function fails the run with a structured report, never a silent hang', async () => {
    await sys.restart({ idle: 'halt', csdlockDebug: true, csdLockTimeoutMs: 20, panicOnIpistallMs: 120 });
    sys.post(0, { kind: 'single', target: 1, wait: true, func: 'fn_stall' });
    const q = await sys.quiesce(10_000);
    expect(q.status).toBe('panic');
    expect(q.message).toMatch(/panic_on_ipistall/);
    const first = q.debugReports[0];
    expect(first).toMatchObject({ kind: 'detected', waitingCpu: 0, targetCpu: 1, func: 'fn_stall', targetRunning: 'this request' });
    expect(q.debugReports.at(-1)?.kind).toBe('panic');
    await sys.restart({ csdlockDebug: false, panicOnIpistallMs: 0 });
    expect(await sys.call(0, { kind: 'single', target: 1, wait: true })).toMatchObject({ rc: 0 });
  });

  it('exports its trace as kernel-format ftrace text and Perfetto JSON', async () => {
    await sys.restart({ trace: true, idle: 'halt' });
    await sys.call(0, { kind: 'single', target: 1, wait: true });
    await sys.call(2, { kind: 'many', mask: [0, 1, 3], wait: true });
    await sys.quiesce();
    const ev = sys.trace();
    const text = exportFtrace(ev, 4);
    expect(text.startsWith('# tracer: nop\n')).toBe(true);
    const line = /^ {0,16}cpu\d-10\d {5}\[00\d\] [d.]\.[h.]\d\. +\d+\.\d{6}: (csd_queue_cpu|ipi_send_cpu|ipi_send_cpumask|csd_function_entry|csd_function_exit|sched_wake_idle_without_ipi): /;
    const body = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(body.length).toBeGreaterThanOrEqual(9);
    for (const l of body) expect(l).toMatch(line);
    expect(body.some((l) => l.includes('ipi_send_cpumask: cpumask=0-1,3') || l.includes('ipi_send_cpumask: cpumask='))).toBe(true);
    const pf = exportPerfetto(ev);
    expect(pf.traceEvents.filter((e) => e.ph === 'B').length).toBe(pf.traceEvents.filter((e) => e.ph === 'E').length);
  });
});
