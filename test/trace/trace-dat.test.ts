/**
 * The native trace-cmd trace.dat reader (trace/dat/): the shared v7/zstd recording is checked
 * directly; where Debian's trace-cmd is installed (CI installs it) its `report` output is the oracle
 * for every decoded record, and its `convert` makes the v6 and uncompressed v7 variants.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRACES_DIR } from '../../cli/real-traces.js';
import { checkTraceFile } from '../../trace/check-file.js';
import type { FtraceEvent } from '../../trace/ftrace-parse.js';
import { DatEventReader, latencyFlags } from '../../trace/dat/dat-events.js';
import { closeTraceDat, openTraceDat } from '../../trace/dat/trace-dat-file.js';
import { expectOneLineError, tempDir } from './fixtures.js';

const DAT = join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-hotplug-trace-cmd.dat');
const HAVE_TRACE_CMD = spawnSync('trace-cmd', ['--version'], { encoding: 'utf8' }).status !== null;

function readAll(file: string): FtraceEvent[] {
  const dat = openTraceDat(file);
  try {
    const r = new DatEventReader(dat);
    const out: FtraceEvent[] = [];
    for (let b = r.nextBatch(); b !== null; b = r.nextBatch()) out.push(...b);
    return out;
  } finally {
    closeTraceDat(dat);
  }
}

/** One event as comparable text: what `trace-cmd report` shows, in its spelling. */
function key(e: FtraceEvent): string {
  const us = Math.floor((Math.round(e.ts * 1e9) + 500) / 1000); // report rounds to µs
  const f = Object.entries(e.fields).map(([k, v]) => `${k}=${normValue(v)}`);
  return `${e.line} ${e.task}-${e.pid} [${e.cpu}] ${us} ${e.name} ${f.join(' ')}`;
}

function normValue(v: string): string {
  if (v === '(nil)' || /^(0x)?0+$/.test(v)) return '0';
  return v.replace(/^0x/, '').replace(/\/0x[0-9a-f]+$/, '').replace(/^0+(?=[0-9a-f])/, '');
}

/** `trace-cmd report` lines parsed into the same comparable text. */
function reportKeys(file: string): Map<number, string> {
  const r = spawnSync('trace-cmd', ['report', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  const out = new Map<number, string>();
  const lines = r.stdout.split('\n');
  const pre = /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{6}):\s+(\w+):\s*(.*)$/;
  lines.forEach((l, i) => {
    const m = pre.exec(l);
    if (m === null) return;
    let fields: string[];
    const body = (m[7] ?? '').replace(/, /g, ' ');
    if ((m[6] ?? '').startsWith('cpuhp_')) {
      // `cpu: 0001 target: 144 step: 236 (fn)` / `cpu: 0001  state: 234 step: 235 ret: 0`
      const kv = [...body.matchAll(/(\w+):\s+(-?\d+)/g)].map((x) => `${x[1] ?? ''}=${String(Number(x[2]))}`);
      const fn = /\((\w+)\)/.exec(body);
      fields = fn === null ? kv : [...kv, `fun=${fn[1] ?? ''}`];
    } else {
      fields = body.split(' ').filter((t) => t.includes('=')).map((t) => {
        const [k, v] = t.split('=', 2) as [string, string];
        return `${k}=${normValue(v)}`;
      });
    }
    out.set(i + 1, `${i + 1} ${m[1] ?? ''}-${m[2] ?? ''} [${Number(m[3])}] ${Number(m[4]) * 1e6 + Number(m[5])} ${m[6] ?? ''} ${fields.join(' ')}`);
  });
  return out;
}

describe('native trace.dat reader (trace-cmd v6 and v7, zstd sections)', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the shared v7/zstd hotplug recording: its metadata, and the checker accepts it', async () => {
    const dat = openTraceDat(DAT);
    try {
      expect([dat.version, dat.compression, dat.chunked, dat.cpuCount, dat.pageSize, dat.clock]).toEqual([7, 'zstd', true, 2, 4096, 'local']);
      expect(dat.kallsyms.size).toBeGreaterThan(100_000);
      expect([...dat.formats.values()].some((f) => f.system === 'csd' && f.name === 'csd_queue_cpu')).toBe(true);
    } finally {
      closeTraceDat(dat);
    }
    const v = await checkTraceFile(DAT);
    expect(v.ok).toBe(true);
    expect(v.violationCounts).toEqual({});
    expect(v.events).toBe(248_709);
    expect(v.lines).toBe(248_710); // `cpus=2` + one line per record, as `trace-cmd report`
    // The hotplug cycles are seen: csds the dying CPU queued while untraced are undecided, not violations.
    expect(v.categories.undecided.byKind['queued-by-untraced-cpu'] ?? 0).toBeGreaterThan(0);
    expect(v.invariants.find((i) => i.id === 'INV-NOT-ON-OFFLINE')?.checks ?? 0).toBeGreaterThan(0);
  });

  it('the latency flags column is rebuilt as the kernel prints it', () => {
    expect(latencyFlags(0x01, 2)).toBe('d..2.');
    expect(latencyFlags(0x01 | 0x08, 0)).toBe('d.h..');
    expect(latencyFlags(0x04 | 0x20 | 0x10, 0x21)).toBe('.Ns12');
    expect(latencyFlags(0x81, 0)).toBe('D....');
  });

  it.skipIf(!HAVE_TRACE_CMD)('every record decodes to what `trace-cmd report` prints (task, pid, cpu, µs, event, fields, line) — needs trace-cmd', () => {
    const mine = readAll(DAT);
    const theirs = reportKeys(DAT);
    expect(mine.length).toBe(theirs.size);
    const diff: string[] = [];
    for (const e of mine) {
      const k = key(e);
      if (theirs.get(e.line) !== k) diff.push(`${k}  ≠  ${theirs.get(e.line) ?? '(no line)'}`);
    }
    expect(diff.slice(0, 5)).toEqual([]);
  });

  it.skipIf(!HAVE_TRACE_CMD)('`trace-cmd report` text of the same recording is accepted too, with the same decisions as the .dat — needs trace-cmd', async () => {
    const txt = join(dir, 'report.txt');
    const r = spawnSync('trace-cmd', ['report', DAT], { maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    writeFileSync(txt, r.stdout);
    const [fromText, fromDat] = await Promise.all([checkTraceFile(txt), checkTraceFile(DAT)]);
    expect(fromText.violationCounts).toEqual({}); // `(nil)` is NULL; hardirq context from the IPI handlers
    expect(fromText.events).toBe(fromDat.events);
    expect(fromText.invariants.map((i) => [i.id, i.status])).toEqual(fromDat.invariants.map((i) => [i.id, i.status]));
  });

  it.skipIf(!HAVE_TRACE_CMD)('v6 and uncompressed v7 (made by `trace-cmd convert`) give the same events as v7/zstd — needs trace-cmd', () => {
    const want = readAll(DAT).map(key);
    for (const [name, args] of [
      ['v6.dat', ['--file-version', '6']],
      ['v7none.dat', ['--compression', 'none']],
    ] as const) {
      const out = join(dir, name);
      const r = spawnSync('trace-cmd', ['convert', ...args, '-i', DAT, '-o', out], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const got = readAll(out).map(key);
      expect(got.length).toBe(want.length);
      expect(got.filter((k, i) => k !== want[i]).slice(0, 3)).toEqual([]);
    }
  });

  it.skipIf(!HAVE_TRACE_CMD)('an edited record is caught: csd_queue_cpu retargeted in the binary gives INV-RUN-ON-TARGET — needs trace-cmd', async () => {
    const v6 = join(dir, 'edit-v6.dat');
    expect(spawnSync('trace-cmd', ['convert', '--file-version', '6', '-i', DAT, '-o', v6]).status).toBe(0);
    const buf = readFileSync(v6);
    // The first request (line 2): cpu0 queues flush_tlb_func csd=0xffff888627d32660 to cpu1, which runs
    // it (line 7). Its payload is <common 8><cpu u32><pad 4><callsite 8><func 8><csd 8>.
    const ptr = Buffer.alloc(8);
    ptr.writeBigUInt64LE(0xffff888627d32660n);
    const at = buf.indexOf(ptr);
    expect(at).toBeGreaterThan(0);
    expect(buf.readUInt32LE(at - 24)).toBe(1);
    buf.writeUInt32LE(0, at - 24);
    const edited = join(dir, 'edited.dat');
    writeFileSync(edited, buf);
    const v = await checkTraceFile(edited);
    expect(v.ok).toBe(false);
    expect(Object.keys(v.violationCounts)).toContain('INV-RUN-ON-TARGET');
    expect(v.violations[0]?.lines).toEqual([2, 7]);
  });

  it('gzip or xz around a trace.dat is read too (spooled to a temporary file)', async () => {
    const xz = join(dir, 'trace.dat.xz');
    const r = spawnSync('xz', ['-1', '-c', DAT], { maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    writeFileSync(xz, r.stdout);
    const v = await checkTraceFile(xz);
    expect([v.ok, v.events, v.file]).toEqual([true, 248_709, xz]);
  });

  it('truncated or corrupt trace.dat files are one-line input errors naming the file', async () => {
    const full = readFileSync(DAT);
    const cases: [string, Buffer, RegExp][] = [
      ['head.dat', full.subarray(0, 40), /truncated trace\.dat/],
      ['meta.dat', full.subarray(0, 200_000), /truncated trace\.dat/],
      ['data.dat', full.subarray(0, full.length - 50_000), /truncated trace\.dat/],
    ];
    // A zstd chunk with its bytes scrambled: the first chunk of cpu0 starts 4 + 8 bytes into its data.
    const dat = openTraceDat(DAT);
    const cpu0 = dat.cpus[0]?.offset ?? 0;
    closeTraceDat(dat);
    const bad = Buffer.from(full);
    bad.fill(0x5a, cpu0 + 12 + 16, cpu0 + 12 + 200);
    cases.push(['chunk.dat', bad, /corrupt trace\.dat: cpu0 ring-buffer data: chunk does not decompress|corrupt trace\.dat: cpu0/]);
    for (const [name, bytes, pattern] of cases) {
      const f = join(dir, name);
      writeFileSync(f, bytes);
      await expectOneLineError(f, pattern);
    }
  });
});
