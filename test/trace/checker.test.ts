import { describe, expect, it } from 'vitest';
import { checkTraceLines } from '../../trace/check-file.js';
import { parseCpumask } from '../../trace/checker.js';
import type { TraceVerdict } from '../../trace/verdict.js';
import { ev, HEADER, onlineLines, setCpu, teardownLines } from './fixtures.js';

const A = '00000000000000a1';
const B = '00000000000000b2';
const NULL_CSD = '0000000000000000';
const T1 = '0000000000000d01';
const T2 = '0000000000000d02';
const T3 = '0000000000000d03';
const F = 'flush_tlb_func';
const TTWU = 'sched_ttwu_pending';

async function check(lines: readonly string[]): Promise<TraceVerdict> {
  return checkTraceLines(
    [[...HEADER, ...lines]],
    'synthetic',
  );
}

function ids(v: TraceVerdict): string[] {
  return [...new Set(v.violations.map((x) => x.id))].sort();
}

/** One complete request A from cpu0 to cpu1 at time t: queue, IPI, entry, exit. */
function roundTrip(t: number, csd = A, func = F): string[] {
  return [ev.queue(0, t, 1, func, csd), ev.ipi(0, t + 0.000001, 1), ev.entry(1, t + 0.00001, func, csd), ev.exit(1, t + 0.000011, func, csd)];
}

describe('trace checker on synthetic traces', () => {
  it('accepts a queue → IPI → entry → exit round trip and reports its latency', async () => {
    const v = await check([...roundTrip(1), ...roundTrip(2)]);
    expect(ids(v)).toEqual([]);
    expect(v.ok).toBe(true);
    const f = v.stats.perFunction.find((x) => x.func === F);
    expect(f?.queued).toBe(2);
    expect(f?.entered).toBe(2);
    expect(f?.queueToEntry.p50).toBe(10);
    expect(v.stats.perPair.map((p) => p.pair)).toEqual(['cpu0->cpu1']);
  });

  it('INV-RUN-ON-TARGET: an entry on another CPU than the queue target', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ev.entry(0, 1.00001, F, A), ev.exit(0, 1.000011, F, A)]);
    expect(ids(v)).toEqual(['INV-RUN-ON-TARGET']);
    expect(v.violations[0]?.lines).toEqual([7, 9]);
  });

  it('an unqueued entry of a csd with another function than its last run is a new request whose queue event is missing (undecided), not a double run', async () => {
    // Seen on a fresh 6.18 recording: cpu1's cfd csd ran ipi_mb, then flush_tlb_func on cpu0 with no
    // csd_queue_cpu (and no lost events). Only the owner writes func, at queue time: a new request.
    const v = await check([...roundTrip(1), ev.entry(1, 1.1, 'ipi_mb', A), ev.exit(1, 1.100001, 'ipi_mb', A)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.undecided.byKind['queue-not-traced']).toBe(1);
  });

  it('INV-NO-DOUBLE-RUN: a second entry without a new queue', async () => {
    const v = await check([...roundTrip(1), ev.entry(1, 1.1, F, A), ev.exit(1, 1.100001, F, A)]);
    expect(ids(v)).toEqual(['INV-NO-DOUBLE-RUN']);
    expect(v.violations[0]?.lines).toEqual([9, 11]);
  });

  it('INV-NO-DOUBLE-RUN: an unqueued entry while a CPU is untraced by hotplug (takedown_cpu on the control CPU) is undecided, not a violation; once that CPU traces again it is a violation', async () => {
    // The control CPU (cpu0) runs takedown_cpu for cpu1; from then until cpu1 traces again, what
    // cpu1 queues is not traced (tracepoints are dropped on a CPU not marked online).
    const down = [setCpu(ev.cpuhpEnter(1, 1.5, 0, 140, 'takedown_cpu'), 0), setCpu(ev.cpuhpExit(1, 1.6, 140, 140), 0)];
    const inWindow = await check([...roundTrip(1), ...down, ev.entry(0, 1.7, F, A), ev.exit(0, 1.700001, F, A)]);
    expect(ids(inWindow)).toEqual([]);
    expect(inWindow.categories.undecided.byKind['queued-by-untraced-cpu']).toBe(1);
    // Brought up again (smpcfd_prepare_cpu on the control CPU), cpu1 traces: the window is over.
    const up = [setCpu(ev.cpuhpEnter(1, 1.75, 236, 40, 'smpcfd_prepare_cpu'), 0), setCpu(ev.cpuhpExit(1, 1.76, 40, 40), 0)];
    const after = await check([...roundTrip(1), ...down, ...up, ev.queue(1, 1.8, 0, F, B), ev.entry(0, 1.9, F, A), ev.exit(0, 1.900001, F, A)]);
    expect(ids(after)).toEqual(['INV-NO-DOUBLE-RUN']);
  });

  it('INV-TRACE-ENTRY-EXIT-PAIR: a missing exit is caught at the next entry on that CPU', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ev.entry(1, 1.00001, F, A), ...roundTrip(2, B)]);
    expect(ids(v)).toEqual(['INV-TRACE-ENTRY-EXIT-PAIR']);
    expect(v.violations[0]?.lines).toEqual([9, 12]);
  });

  it('INV-TRACE-ENTRY-EXIT-PAIR: an exit without entry once the CPU was seen entering', async () => {
    const v = await check([...roundTrip(1), ev.exit(1, 1.5, F, A)]);
    expect(ids(v)).toEqual(['INV-TRACE-ENTRY-EXIT-PAIR']);
  });

  it('INV-TRACE-FUNC-MATCH: the entered function differs from the queued one', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ev.entry(1, 1.00001, 'ipi_mb', A), ev.exit(1, 1.000011, 'ipi_mb', A)]);
    expect(ids(v)).toEqual(['INV-TRACE-FUNC-MATCH']);
  });

  it('INV-KICK: an add that provably found the queue empty must be followed by a kick', async () => {
    // The first round trip shows a drain on cpu1, so the second add provably found it empty.
    const missing = await check([...roundTrip(1), ev.queue(0, 2, 1, F, A), ev.entry(0, 2.000001, F, NULL_CSD, 'd..2.'), ev.exit(0, 2.0000015, F, NULL_CSD, 'd..2.'), ev.entry(1, 2.00001, F, A), ev.exit(1, 2.000011, F, A)]);
    expect(ids(missing)).toEqual(['INV-KICK']);
    expect(missing.violations[0]?.lines).toEqual([11, 12]);
    const polled = await check([...roundTrip(1), ev.queue(0, 2, 1, F, A), ev.poll(0, 2.000001, 1), ev.entry(0, 2.000002, F, NULL_CSD, 'd..2.'), ev.exit(0, 2.0000025, F, NULL_CSD, 'd..2.'), ev.entry(1, 2.00001, F, A), ev.exit(1, 2.000011, F, A)]);
    expect(ids(polled)).toEqual([]);
    const mask = await check([...roundTrip(1), ev.queue(0, 2, 1, F, A), ev.ipiMask(0, 2.000001, '1'), ev.entry(1, 2.00001, F, A), ev.exit(1, 2.000011, F, A)]);
    expect(ids(mask)).toEqual([]);
    expect(mask.stats.kicks.ipiSendCpumask).toBe(1);
  });

  it('INV-KICK: an interrupt on the producer between add and IPI does not end the kick decision', async () => {
    const v = await check([...roundTrip(1), ev.queue(0, 2, 1, F, A), ev.entry(0, 2.0000005, F, NULL_CSD, 'd.h1.'), ev.exit(0, 2.0000006, F, NULL_CSD, 'd.h1.'), ev.ipi(0, 2.000001, 1), ev.entry(1, 2.00001, F, A), ev.exit(1, 2.000011, F, A)]);
    expect(ids(v)).toEqual([]);
  });

  it('a kick after an add to a queue the trace shows non-empty is undecided, not a violation', async () => {
    const v = await check([...roundTrip(1), ev.queue(0, 2, 1, F, A), ev.ipi(0, 2.000001, 1), ev.queue(0, 2.000002, 1, F, B), ev.ipi(0, 2.000003, 1), ev.entry(1, 2.00001, F, A), ev.exit(1, 2.000011, F, A), ev.entry(1, 2.00002, F, B), ev.exit(1, 2.000021, F, B)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.undecided.byKind['kick-queue-not-provably-empty']).toBeGreaterThanOrEqual(1);
  });

  it('a csd queued again before any entry proves the previous request completed (completed-unobserved)', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ...roundTrip(2)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.completedUnobserved.count).toBe(1);
    expect(v.categories.completedUnobserved.examples[0]?.lines).toEqual([7, 9]);
  });

  it('ASYNC unlocks before running: the old entry may follow the re-queue to another CPU', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ev.queue(2, 1.000002, 0, F, A), ev.ipi(2, 1.000003, 0), ev.entry(1, 1.00001, F, A), ev.exit(1, 1.000011, F, A), ev.entry(0, 1.00002, F, A), ev.exit(0, 1.000021, F, A)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.completedUnobserved.count).toBe(0);
  });

  it('TTWU: one entry (csd = first node) runs the batch; later nodes are counted as batched', async () => {
    const v = await check([
      ev.queue(0, 1, 1, TTWU, T1),
      ev.ipi(0, 1.000001, 1),
      ev.queue(0, 1.000002, 1, TTWU, T2),
      ev.entry(1, 1.00001, TTWU, T1),
      ev.exit(1, 1.000011, TTWU, T1),
      ev.queue(0, 2, 1, TTWU, T3),
      ev.ipi(0, 2.000001, 1),
      ev.entry(1, 2.00001, TTWU, T3),
      ev.exit(1, 2.000011, TTWU, T3),
    ]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.ttwuBatched.count).toBe(1);
    expect(v.categories.ttwuBatched.examples[0]?.lines).toEqual([9, 10]);
  });

  it('INV-NOT-ON-OFFLINE: an entry between the smpcfd:dying teardown and the next online step', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ...teardownLines(1, 1.000002), ev.entry(1, 1.00001, F, A), ev.exit(1, 1.000011, F, A), ...onlineLines(1, 2)]);
    expect(ids(v)).toEqual(['INV-NOT-ON-OFFLINE']);
    expect(v.violations[0]?.lines).toEqual([10, 11]);
  });

  it('accepts entries inside the dying flush and requests after the CPU is online again', async () => {
    const v = await check([
      ev.queue(0, 1, 1, F, A),
      ev.ipi(0, 1.000001, 1),
      ev.cpuhpEnter(1, 1.000002, 139, 159, 'smpcfd_dying_cpu'),
      ev.entry(1, 1.000003, F, A, 'd..1.'),
      ev.exit(1, 1.000004, F, A, 'd..1.'),
      ev.cpuhpExit(1, 1.000005, 158, 159),
      ...onlineLines(1, 2),
      ...roundTrip(3),
    ]);
    expect(ids(v)).toEqual([]);
    expect(v.invariants.find((i) => i.id === 'INV-NOT-ON-OFFLINE')?.status).toBe('pass');
  });

  it('a queue after smpcfd:prepare but before the CPU traces anything is undecided, not a violation (set_cpu_online is not traced)', async () => {
    // smpcfd_prepare_cpu runs on the control CPU; the first event of cpu1 itself proves it online
    // (tracepoints fire only on online CPUs), so its entry is decided.
    const prepare = [setCpu(ev.cpuhpEnter(1, 2, 235, 40, 'smpcfd_prepare_cpu'), 0), setCpu(ev.cpuhpExit(1, 2.000001, 40, 40), 0)];
    const v = await check([...teardownLines(1, 1), ...prepare, ev.queue(0, 2.5, 1, F, A), ev.ipi(0, 2.500001, 1), ev.entry(1, 2.6, F, A), ev.exit(1, 2.600001, F, A), ...onlineLines(1, 3)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.undecided.byKind['bringup-window']).toBe(1);
    // Before the prepare the same queue is a violation.
    const early = await check([...teardownLines(1, 1), ev.queue(0, 1.5, 1, F, A), ...prepare, ...onlineLines(1, 3)]);
    expect(ids(early)).toEqual(['INV-DYING-EMPTY']);
  });

  it('INV-NO-LOST-CALL: a request still queued when its CPU finished the dying teardown', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), ...teardownLines(1, 1.000002)]);
    expect(ids(v)).toEqual(['INV-NO-LOST-CALL']);
  });

  it('INV-DYING-EMPTY: nothing is queued to a CPU after its teardown until it is online', async () => {
    const v = await check([...teardownLines(1, 1), ev.queue(0, 2, 1, F, A), ev.ipi(0, 2.000001, 1), ...onlineLines(1, 3), ev.entry(1, 3.00001, F, A), ev.exit(1, 3.000011, F, A)]);
    expect(ids(v)).toEqual(['INV-DYING-EMPTY']);
  });

  it('window edges are open, not violations: entry before the first queue, exit before the first entry, queued at the end', async () => {
    const v = await check([ev.exit(1, 0.9, F, B), ev.entry(1, 1, F, A), ev.exit(1, 1.000001, F, A), ev.queue(0, 2, 1, F, B), ev.ipi(0, 2.000001, 1)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.open.byKind).toEqual({ 'entered-before-window': 1, 'queued-before-window': 1, 'queued-not-run-at-end': 1 });
  });

  it('after a ring-buffer overflow, events before the latest per-CPU start are possibly incomplete', async () => {
    const lines = [
      '# entries-in-buffer/entries-written: 10/200   #P:2',
      ...roundTrip(1).slice(2), // cpu1 only: its queue was overwritten on cpu0
      ev.entry(1, 1.5, F, A),
      ev.exit(1, 1.500001, F, A),
      ...roundTrip(2),
    ];
    const v = await checkTraceLines(
      [lines],
      'overflow',
    );
    expect(ids(v)).toEqual([]);
    expect(v.header.overflowed).toBe(true);
    expect(v.header.incompleteUntil).toBe(2);
    expect(v.categories.open.byKind['queue-possibly-overwritten']).toBe(1);
  });

  it('a LOST EVENTS annotation forgets state instead of reporting what the gap hides', async () => {
    const v = await check([ev.queue(0, 1, 1, F, A), ev.ipi(0, 1.000001, 1), 'CPU:1 [LOST 12 EVENTS]', ...roundTrip(2)]);
    expect(ids(v)).toEqual([]);
    expect(v.categories.open.byKind['lost-events']).toBe(1);
  });

  it('parses cpumask lists', () => {
    expect(parseCpumask('0-3,5')).toEqual([0, 1, 2, 3, 5]);
    expect(parseCpumask('1')).toEqual([1]);
    expect(parseCpumask('x')).toEqual([]);
  });
});

describe('trace checker: mask IPIs', () => {
  it('INV-KICK: a mask IPI may only name CPUs the call queued to', async () => {
    const lines = [
      ...roundTrip(1),
      ev.queue(0, 2, 1, F, A),
      ev.queue(0, 2.0000005, 2, F, B),
      ev.ipiMask(0, 2.000001, '1-3'),
      ev.entry(1, 2.00001, F, A),
      ev.exit(1, 2.000011, F, A),
      ev.entry(2, 2.00001, F, B),
      ev.exit(2, 2.000011, F, B),
    ];
    const v = await checkTraceLines([[...HEADER, ...lines]], 'mask');
    expect([...new Set(v.violations.map((x) => x.id))]).toEqual(['INV-KICK']);
    expect(v.violations[0]?.message).toContain('includes cpu3');
    const ok = await checkTraceLines([[...HEADER, ...lines.map((l) => l.replace('cpumask=1-3', 'cpumask=1-2'))]], 'mask');
    expect(ok.violations).toEqual([]);
  });

  it('parses the line format of the implementation export', async () => {
    const line = '          cpu0-100     [000] ...2.   123.456700: csd_queue_cpu: cpu=1 callsite=smp_call_function_single+0x0/0x0 func=fn_ping csd=0000000000001040';
    const v = await checkTraceLines([[line]], 'export');
    expect(v.events).toBe(1);
    expect(v.stats.perFunction[0]).toMatchObject({ func: 'fn_ping', queued: 1 });
    expect(v.categories.open.byKind).toEqual({ 'queued-not-run-at-end': 1, 'kick-after-end': 1 });
  });
});

describe('trace checker: buffer annotations', () => {
  it('a "##### CPU n buffer started ####" line marks the trace as overflowed', async () => {
    const v = await checkTraceLines([[...HEADER, '##### CPU 1 buffer started ####', ev.entry(1, 1, F, A), ev.exit(1, 1.000001, F, A), ev.entry(1, 1.5, F, A), ev.exit(1, 1.500001, F, A), ...roundTrip(2)]], 'annotated');
    expect(v.header.overflowed).toBe(true);
    expect(v.violations).toEqual([]);
    expect(v.categories.open.byKind).toEqual({ 'queued-before-window': 1, 'queue-possibly-overwritten': 1 });
  });
});

describe('trace checker: two producers', () => {
  it('INV-KICK is undecided, not violated, when another producer kicked the target right after', async () => {
    // cpu0 and cpu2 add to cpu1 at almost the same time; cpu2's add may have been first in the
    // llist, so cpu2 kicks and cpu0 does not.
    const lines = [
      ...roundTrip(1),
      ev.queue(0, 2, 1, F, A),
      ev.queue(2, 2.0000001, 1, F, B),
      ev.ipi(2, 2.0000002, 1),
      ev.entry(0, 2.0000003, F, '0000000000000000', 'd..2.'),
      ev.exit(0, 2.0000004, F, '0000000000000000', 'd..2.'),
      ev.entry(1, 2.00001, F, A),
      ev.exit(1, 2.000011, F, A),
      ev.entry(1, 2.00002, F, B),
      ev.exit(1, 2.000021, F, B),
    ];
    const v = await checkTraceLines([[...HEADER, ...lines]], 'two');
    expect(v.violations).toEqual([]);
    expect(v.categories.undecided.byKind['concurrent-producers']).toBe(1);
  });
});
