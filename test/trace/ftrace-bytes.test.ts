/**
 * The byte path of the ftrace parser (files are scanned without decoding them) must give exactly
 * the events, skipped counts, header and line numbers of the string path, on the real traces and on
 * every unusual line layout the string path accepts.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FtraceParseError, FtraceParser, type FtraceEvent } from '../../trace/ftrace-parse.js';
import { byteChunks, openTrace, textChunks } from '../../trace/open-trace.js';
import { ev, HEADER } from './fixtures.js';

const TRACES = '/work/shared/traces';
const TEXT_TRACES = ['linux-6.18-2cpu-tlb-membarrier.txt.xz', 'linux-6.18-2cpu-hotplug-4cycles.txt.xz'];

interface Parsed {
  readonly events: FtraceEvent[];
  readonly errors: number[];
  readonly parser: FtraceParser;
}

function parseString(text: string): Parsed {
  const parser = new FtraceParser();
  const events: FtraceEvent[] = [];
  const errors: number[] = [];
  parser.parseChunk(text, events, (e: FtraceParseError) => errors.push(e.lineNo));
  return { events, errors, parser };
}

function parseBytes(chunks: readonly Buffer[]): Parsed {
  const parser = new FtraceParser();
  const events: FtraceEvent[] = [];
  const errors: number[] = [];
  for (const c of chunks) parser.parseBytes(c, events, (e: FtraceParseError) => errors.push(e.lineNo));
  return { events, errors, parser };
}

function expectSame(a: Parsed, b: Parsed): void {
  expect(b.events).toEqual(a.events);
  expect(b.errors).toEqual(a.errors);
  expect(b.parser.lineNo).toBe(a.parser.lineNo);
  expect(b.parser.eventLines).toBe(a.parser.eventLines);
  expect(b.parser.skipped).toEqual(a.parser.skipped);
  expect(b.parser.header).toEqual(a.parser.header);
  expect(b.parser.lostLines).toEqual(a.parser.lostLines);
}

const ODD_LINES = [
  ...HEADER,
  '##### CPU 1 buffer started ####',
  'CPU:1 [LOST 7 EVENTS]',
  '  kworker/u4:1-123     [002] d..2.   100.000001: sched_wake_idle_without_ipi: cpu=1',
  '   Web Content-4567    [000] ...2.   100.000002: ipi_send_cpu: cpu=1 callsite=x+0x1/0x2 callback=0x0',
  '            bash-16120 [000]  6620.822339: csd_queue_cpu:        cpu=1 callsite=on_each_cpu_cond_mask+0x20/0x60 func=flush_tlb_func csd=00000000a8ebe93f',
  '            bash-16120  (  16120) [000] ...2.  6620.822339: csd_queue_cpu: cpu=1 callsite=x func=f csd=0000000000000001',
  ev.cpuhpEnter(1, 5, 139, 159, 'smpcfd_dying_cpu'),
  '     cpuhp/1-21      [001] .....   200.000003: cpuhp_exit: cpu: 0001  state: 158 step:  159 ret: 0',
  '          <idle>-0       [001] d.h1.  6620.822390: csd_function_entry: func=flush_tlb_func, csd=00000000a8ebe93f',
  '          <idle>-0       [001] d.h1.  6620.822391: csd_function_exit: func=flush_tlb_func, csd=(nil) extra=1',
  '          <idle>-0       [001] d.h1.  6620.822392: call_function_single_exit: vector=251',
  '          <idle>-0       [001] d.h1.  6620.822393: ipi_send_cpumask: cpumask=0-1 callsite=x callback=0x0 odd:',
  '            bash-1     [000] d..2.     1.000000: sched_switch: prev_comm=bash prev_pid=1',
  'this is not ftrace',
  '',
  '          <idle>-0       [001] d.h1.  6620.x: csd_function_entry: func=f, csd=1',
  '          <idle>-0       [001] d.h1.  6620.822394 csd_function_entry: func=f, csd=1',
  'cpus=2',
  '    bash-1   [000] d..2.  1.000001: csd_function_entry: func=f, csd=00000000a8ebe93f\r',
  '  ksoftirqd/0-15  [000] ..s1.  3.500000: csd_function_exit: func=f',
  // near misses of the exact formats the byte path matches without tokenising
  '    bash-1   [000] d..2.  1.000002: csd_function_entry: func=f,csd=1',
  '    bash-1   [000] d..2.  1.000003: csd_function_entry: func=f, csd=1,',
  '    bash-1   [000] d..2.  1.000004: csd_function_exit: func=, csd=1',
  '    bash-1   [000] d..2.  1.000005: csd_function_exit: func=a,b, csd=1',
  '    bash-1   [000] d..2.  1.000006: csd_function_exit: func=a, b csd=1',
  '    bash-1   [000] d..2.  1.000007: csd_queue_cpu: cpu=1  callsite=x func=f csd=2',
  '    bash-1   [000] d..2.  1.000008: csd_queue_cpu: cpu=1, callsite=x func=f csd=2',
  '    bash-1   [000] d..2.  1.000009: csd_queue_cpu: cpu=1 callsite=x func=f=g csd=2',
  '    bash-1   [000] d..2.  1.000010: csd_queue_cpu:    cpu=1 callsite=x func=f csd=2',
  '    bash-1   [000] d..2.  1.000011: ipi_send_cpu: cpu=1 callsite=x callback=0x0 extra=2',
  '    bash-1   [000] d..2.  1.000012: ipi_send_cpu: cpu=1 callsite=x',
  '    bash-1   [000] d..2.  1.000013: call_function_single_entry: vector=251 ',
  '    bash-1   [000] d..2.  1.000014: call_function_entry: vector=',
  '    bash-1   [000] d..2.  1.000015: call_function_exit: vector=1 vector=2',
];

describe('ftrace byte path', () => {
  it('gives the string path\'s events, errors, header and counts on every odd line layout', () => {
    const text = ODD_LINES.join('\n');
    const a = parseString(text);
    // sanity: the fixture exercises both outcomes
    expect(a.events.length).toBeGreaterThan(8);
    expect(a.errors.length).toBeGreaterThan(0);
    expectSame(a, parseBytes([Buffer.from(text, 'latin1')]));
  });

  it('is the same whether the chunk ends with a newline or not, and across chunk cuts from byteChunks', async () => {
    const text = `${ODD_LINES.filter((l) => l !== 'this is not ftrace').join('\n')}\n`;
    const a = parseString(text);
    // 7-byte stream chunks: every line is cut several times and carried over
    const bytes = Buffer.from(text, 'latin1');
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
    const chunks: Buffer[] = [];
    for await (const c of byteChunks(Readable.from(pieces))) chunks.push(Buffer.from(c));
    expect(chunks.length).toBeGreaterThan(5);
    expectSame(a, parseBytes(chunks));
    // the string reader cuts the same way (a blank line right after a cut used to vanish from the numbering)
    const b = new FtraceParser();
    const eb: FtraceEvent[] = [];
    const errs: number[] = [];
    for await (const c of textChunks(Readable.from(pieces))) b.parseChunk(c, eb, (e) => errs.push(e.lineNo));
    expect(eb).toEqual(a.events);
    expect(errs).toEqual(a.errors);
    expect(b.lineNo).toBe(a.parser.lineNo);
  });

  for (const name of TEXT_TRACES) {
    it(`gives the string path's events on the real trace ${name}`, async () => {
      const file = `${TRACES}/${name}`;
      const strings: string[] = [];
      for await (const c of textChunks(await openTrace(file), file)) strings.push(c);
      const chunks: Buffer[] = [];
      for await (const c of byteChunks(await openTrace(file), file)) chunks.push(Buffer.from(c));
      const a = new FtraceParser();
      const b = new FtraceParser();
      const ea: FtraceEvent[] = [];
      const eb: FtraceEvent[] = [];
      for (const c of strings) a.parseChunk(c, ea);
      for (const c of chunks) b.parseBytes(c, eb);
      const events = ea.length;
      expect(eb.length).toBe(ea.length);
      // element by element: a failure names the first differing event, not a 300k-line diff
      for (let i = 0; i < ea.length; i++) if (JSON.stringify(eb[i]) !== JSON.stringify(ea[i])) expect(eb[i]).toEqual(ea[i]);
      expect(events).toBeGreaterThan(100_000);
      expect(b.lineNo).toBe(a.lineNo);
      expect(b.skipped).toEqual(a.skipped);
      expect(b.header).toEqual(a.header);
      expect(b.lostLines).toEqual(a.lostLines);
    });
  }
});
