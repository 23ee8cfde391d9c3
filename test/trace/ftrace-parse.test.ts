import { describe, expect, it } from 'vitest';
import { checkTraceLines } from '../../trace/check-file.js';
import { FtraceParseError, FtraceParser, parseFtrace, splitFields } from '../../trace/ftrace-parse.js';
import { TraceInputError } from '../../trace/open-trace.js';
import { ev, HEADER } from './fixtures.js';

const REAL_LINE = '          <idle>-0       [001] d.h1.  6620.822390: csd_function_entry: func=flush_tlb_func, csd=00000000a8ebe93f';

describe('ftrace text parser', () => {
  it('parses a line of the kernel trace file: task, pid, cpu, flags, timestamp, event, fields', () => {
    const ev0 = new FtraceParser().parseLine(REAL_LINE);
    expect(ev0).toEqual({
      line: 1,
      task: '<idle>',
      pid: 0,
      cpu: 1,
      flags: 'd.h1.',
      ts: 6620.82239,
      name: 'csd_function_entry',
      fields: { func: 'flush_tlb_func', csd: '00000000a8ebe93f' },
    });
  });

  it('keeps task names with dashes, colons and spaces whole', () => {
    const p = new FtraceParser();
    const a = p.parseLine('  kworker/u4:1-123     [002] d..2.   100.000001: sched_wake_idle_without_ipi: cpu=1');
    expect([a?.task, a?.pid, a?.cpu]).toEqual(['kworker/u4:1', 123, 2]);
    const b = p.parseLine('   Web Content-4567    [000] ...2.   100.000002: ipi_send_cpu: cpu=1 callsite=x+0x1/0x2 callback=0x0');
    expect([b?.task, b?.pid, b?.fields['callback']]).toEqual(['Web Content', 4567, '0x0']);
  });

  it('reads trace-cmd report lines (no flags column) and the record-tgid column', () => {
    const p = new FtraceParser();
    const a = p.parseLine('            bash-16120 [000]  6620.822339: csd_queue_cpu:        cpu=1 callsite=on_each_cpu_cond_mask+0x20/0x60 func=flush_tlb_func csd=00000000a8ebe93f');
    expect([a?.flags, a?.ts, a?.fields['cpu'], a?.fields['csd']]).toEqual(['', 6620.822339, '1', '00000000a8ebe93f']);
    const b = p.parseLine('            bash-16120  (  16120) [000] ...2.  6620.822339: csd_queue_cpu: cpu=1 callsite=x func=f csd=0000000000000001');
    expect([b?.task, b?.pid, b?.flags, b?.fields['func']]).toEqual(['bash', 16120, '...2.', 'f']);
  });

  it('splits the cpuhp print formats (key: value pairs and the (function) token)', () => {
    expect(splitFields('cpu: 0001 target: 139 step: 159 (smpcfd_dying_cpu)')).toEqual({ cpu: '0001', target: '139', step: '159', fun: 'smpcfd_dying_cpu' });
    expect(splitFields('cpu: 0001  state: 158 step:  159 ret: 0')).toEqual({ cpu: '0001', state: '158', step: '159', ret: '0' });
    const p = new FtraceParser();
    expect(p.parseLine(ev.cpuhpEnter(1, 5, 139, 159, 'smpcfd_dying_cpu'))?.fields['fun']).toBe('smpcfd_dying_cpu');
  });

  it('reads the header, counts other events by name, and reports lost-event annotations', () => {
    const p = new FtraceParser();
    for (const l of [...HEADER, '          bash-1     [000] d..2.     1.000000: sched_switch: prev_comm=bash', 'CPU:1 [LOST 7 EVENTS]']) p.parseLine(l);
    expect(p.header).toEqual({ entriesInBuffer: 100, entriesWritten: 100, cpus: 2, lostAnnotations: 1 });
    expect(p.skipped).toEqual({ sched_switch: 1 });
    expect(p.lostLines).toEqual([{ line: 8, cpu: 1, lost: 7 }]);
  });

  it('a malformed line is an error naming its line number; --lenient counts it instead', async () => {
    expect(() => new FtraceParser().parseLine('garbage')).toThrow(FtraceParseError);
    const lines = [...HEADER, ev.queue(0, 1, 1, 'f', '0000000000000001'), 'this is not ftrace', ev.ipi(0, 1.1, 1)];
    await expect(checkTraceLines([lines], 'bad.txt')).rejects.toThrow(new TraceInputError('bad.txt', 8, 'not an ftrace event line: "this is not ftrace"'));
    const v = await checkTraceLines([lines], 'bad.txt', { lenient: true });
    expect(v.warnings.count).toBe(1);
    expect(v.warnings.examples[0]).toMatch(/^bad\.txt:8: not an ftrace event line/);
    expect(v.events).toBe(2);
  });

  it('a modelled event without a required field is an input error at its line', async () => {
    const lines = [...HEADER, '          bash-1     [000] d..2.     1.000000: csd_queue_cpu: func=f csd=0000000000000001'];
    await expect(checkTraceLines([lines], 'x.txt')).rejects.toThrow('x.txt:7: csd_queue_cpu: missing field cpu');
  });

  it('parses chunks of many lines the same as single lines (CRLF too), as an async generator', async () => {
    const lines = [ev.queue(0, 1, 1, 'f', '0000000000000001'), ev.ipi(0, 1.1, 1), ev.entry(1, 1.2, 'f', '0000000000000001')];
    const one: string[] = [];
    for await (const e of parseFtrace([lines])) one.push(`${e.line}:${e.name}`);
    const chunked: string[] = [];
    for await (const e of parseFtrace([lines.join('\r\n')])) chunked.push(`${e.line}:${e.name}`);
    expect(chunked).toEqual(one);
    expect(one).toEqual(['1:csd_queue_cpu', '2:ipi_send_cpu', '3:csd_function_entry']);
  });

  it('input with no event lines at all is an input error', async () => {
    await expect(checkTraceLines([['# tracer: nop', '#']], 'empty.txt')).rejects.toThrow('empty.txt: no ftrace event lines found');
  });
});

describe('parseFtrace from a byte stream', () => {
  it('accepts a Readable (as openTrace returns) and yields events in order', async () => {
    const { Readable } = await import('node:stream');
    const text = `${[...HEADER, ev.queue(0, 1, 1, 'f', '0000000000000001'), ev.ipi(0, 1.1, 1)].join('\n')}\n`;
    const stream = Readable.from([Buffer.from(text.slice(0, 50)), Buffer.from(text.slice(50))]);
    const names: string[] = [];
    for await (const e of parseFtrace(stream)) names.push(`${e.line}:${e.name}`);
    expect(names).toEqual(['7:csd_queue_cpu', '8:ipi_send_cpu']);
  });
});
