import { beforeAll, describe, expect, it } from 'vitest';
import { checkTraceFile, checkTraceLines } from '../../trace/check-file.js';
import type { TraceVerdict } from '../../trace/verdict.js';
import { dropLine, findRun, insertAt, onlineLines, parse, realTraceLines, REAL_TRACE, setCpu, teardownLines, type Run } from './fixtures.js';

const SLICE = 20_000;

async function check(lines: readonly string[]): Promise<TraceVerdict> {
  return checkTraceLines(
    [lines],
    'edited',
  );
}

function ids(v: TraceVerdict): string[] {
  return [...new Set(v.violations.map((x) => x.id))].sort();
}

function linesOf(v: TraceVerdict, id: string): number[][] {
  return v.violations.filter((x) => x.id === id).map((x) => [...x.lines]);
}

describe('real trace (linux-6.18, 2 CPUs): first 20k lines and edited copies', () => {
  let slice: string[] = [];
  let run: Run;

  beforeAll(async () => {
    slice = (await realTraceLines()).slice(0, SLICE);
    run = findRun(slice, 5000, 1);
  });

  it('accepts the unedited slice', async () => {
    const v = await check(slice);
    expect(ids(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.lines).toBe(SLICE);
    expect(v.categories.completedUnobserved.count).toBeGreaterThan(0);
  });

  it('INV-TRACE-ENTRY-EXIT-PAIR: a dropped csd_function_exit', async () => {
    const v = await check(dropLine(slice, run.exit));
    expect(ids(v)).toEqual(['INV-TRACE-ENTRY-EXIT-PAIR']);
    expect(linesOf(v, 'INV-TRACE-ENTRY-EXIT-PAIR')[0]?.[0]).toBe(run.entry + 1);
  });

  it('INV-RUN-ON-TARGET: an entry (and its exit) moved to another CPU', async () => {
    const edited = [...slice];
    edited[run.entry] = setCpu(slice[run.entry] ?? '', 0);
    edited[run.exit] = setCpu(slice[run.exit] ?? '', 0);
    const v = await check(edited);
    expect(ids(v)).toContain('INV-RUN-ON-TARGET');
    expect(linesOf(v, 'INV-RUN-ON-TARGET')).toContainEqual([run.queue + 1, run.entry + 1]);
  });

  it('INV-NO-DOUBLE-RUN: a duplicated entry/exit pair', async () => {
    const dup = [slice[run.entry] ?? '', slice[run.exit] ?? ''];
    const v = await check(insertAt(slice, run.exit + 1, dup));
    expect(ids(v)).toEqual(['INV-NO-DOUBLE-RUN']);
    expect(linesOf(v, 'INV-NO-DOUBLE-RUN')).toEqual([[run.entry + 1, run.exit + 2]]);
  });

  it('INV-NO-DOUBLE-RUN: a duplicated entry line alone also breaks the pairing', async () => {
    const v = await check(insertAt(slice, run.entry + 1, [slice[run.entry] ?? '']));
    expect(ids(v)).toContain('INV-NO-DOUBLE-RUN');
  });

  it('INV-NOT-ON-OFFLINE: an entry after its CPU finished the smpcfd:dying teardown', async () => {
    const ts = Number(parse(slice, run.entry)?.ts);
    const withOnline = insertAt(slice, run.exit + 1, onlineLines(1, ts));
    const edited = insertAt(withOnline, run.entry, teardownLines(1, ts));
    const v = await check(edited);
    expect(ids(v)).toEqual(['INV-NOT-ON-OFFLINE']);
    // teardown exit is inserted at run.entry + 2 (1-based), the entry moves to run.entry + 3
    expect(linesOf(v, 'INV-NOT-ON-OFFLINE')).toEqual([[run.entry + 2, run.entry + 3]]);
  });

  it('INV-KICK: IPIs removed after adds that found the queue empty', async () => {
    const edited = slice.filter((l) => !(l.includes('ipi_send_cpu:') && l.includes('generic_smp_call_function')));
    const v = await check(edited);
    expect(ids(v)).toEqual(['INV-KICK']);
    expect(v.violationCounts['INV-KICK']).toBeGreaterThan(100);
  });

  it('accepts the whole trace (159,016 events) and reports the csd-less runs as completed-unobserved', async () => {
    const v = await checkTraceFile(REAL_TRACE);
    expect(v.ok).toBe(true);
    expect(v.events).toBe(159_016);
    expect(v.header).toMatchObject({ entriesInBuffer: 159_016, entriesWritten: 159_016, cpus: 2, overflowed: false });
    // Regression figures of this trace (README: ~7% of flush_tlb_func to cpu1 run without csd events).
    const flush = v.stats.perFunction.find((f) => f.func === 'flush_tlb_func');
    expect(flush?.queued).toBe(10_182);
    expect(flush?.entered).toBe(9_806);
    expect(v.categories.completedUnobserved.count).toBe(1_143);
    expect(v.categories.completedUnobserved.examples.every((e) => e.message.includes('<idle>'))).toBe(true);
    expect(v.invariants.filter((i) => i.status === 'fail')).toEqual([]);
  });
});
