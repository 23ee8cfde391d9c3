/**
 * Trace checker speed and memory: parse + check of the largest shared text trace (xz and plain) and of a
 * 100× concatenation with shifted timestamps, each in a fresh child process so peak RSS is its own.
 * Run: node --import tsx bench/trace.ts [--copies 100] [--keep]   (not a test: numbers vary by load)
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRACES_DIR } from '../cli/real-traces.js';
import { checkTraceFile } from '../trace/check-file.js';
import { openTrace, textChunks } from '../trace/open-trace.js';

/** The largest shared text trace (the issue's "100× concatenation of the largest shared trace"). */
const REAL = readdirSync(DEFAULT_TRACES_DIR)
  .filter((f) => /\.txt(\.xz|\.gz)?$/.test(f))
  .map((f) => join(DEFAULT_TRACES_DIR, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0] ?? join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-tlb-membarrier.txt.xz');
const DAT = join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-hotplug-trace-cmd.dat');

/** CPU seconds of `trace-cmd report` on the same file (parse and print), or null without trace-cmd. */
function traceCmdCpuSeconds(file: string): number | null {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time trace-cmd report ${JSON.stringify(file)} > /dev/null 2>&1`], { encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || m === null) return null;
  return Number(m[1]) + Number(m[2]);
}

interface RunResult {
  readonly file: string;
  readonly events: number;
  readonly ok: boolean;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Live JS heap after a full GC at the end: the checker's retained state (flat in trace length if RSS growth is only GC headroom). */
  readonly heapAfterGcMb: number;
  readonly violations: Record<string, number>;
}

async function one(file: string): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await checkTraceFile(file);
  const wallMs = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  (globalThis as { gc?: () => void }).gc?.();
  const r: RunResult = {
    file,
    events: v.events,
    ok: v.ok,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cu.user + cu.system) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapAfterGcMb: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
    violations: { ...v.violationCounts },
  };
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

const TS = /^(.*?\] (?:\S+ +)?)(\d+)\.(\d{6}):/;

/** Writes `copies` back-to-back copies of the trace; copy k is shifted by k × (span + 1 ms). */
async function concatenate(src: string, dst: string, copies: number): Promise<{ lines: number; bytes: number }> {
  let first = -1;
  let last = 0;
  for await (const chunk of textChunks(await openTrace(src), src)) {
    for (const line of chunk.split('\n')) {
      const m = TS.exec(line);
      if (m === null) continue;
      const us = Number(m[2]) * 1_000_000 + Number(m[3]);
      if (first < 0) first = us;
      last = us;
    }
  }
  const span = last - first + 1000;
  const out = createWriteStream(dst);
  let lines = 0;
  for (let k = 0; k < copies; k++) {
    const shift = k * span;
    for await (const chunk of textChunks(await openTrace(src), src)) {
      const buf: string[] = [];
      for (const line of chunk.split('\n')) {
        if (line.startsWith('#')) {
          if (k === 0) buf.push(line.replace(/(\d+)\/(\d+)/, (_s, a: string, b: string) => `${Number(a) * copies}/${Number(b) * copies}`));
          continue;
        }
        const m = TS.exec(line);
        if (m === null) continue;
        const us = Number(m[2]) * 1_000_000 + Number(m[3]) + shift;
        const sec = Math.floor(us / 1_000_000);
        const frac = String(us % 1_000_000).padStart(6, '0');
        buf.push(`${m[1] ?? ''}${sec}.${frac}:${line.slice(m[0].length)}`);
        lines++;
      }
      if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return { lines, bytes: (await stat(dst)).size };
}

async function decompress(src: string, dst: string): Promise<void> {
  const out = createWriteStream(dst);
  for await (const chunk of textChunks(await openTrace(src), src)) {
    if (!out.write(`${chunk}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function child(file: string): RunResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--one', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed on ${file}: ${r.stderr.split('\n')[0] ?? ''}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as RunResult;
}

function row(label: string, r: RunResult): string {
  const wall = Math.round((r.events / r.wallMs) * 1000);
  const cpu = Math.round((r.events / r.cpuMs) * 1000);
  return `${label.padEnd(28)} events ${String(r.events).padStart(10)}  wall ${String(r.wallMs).padStart(7)} ms  ${String(wall).padStart(9)} ev/s  cpu ${String(cpu).padStart(9)} ev/cpu-s  peak RSS ${String(r.peakRssMb).padStart(4)} MB  heap after GC ${String(r.heapAfterGcMb).padStart(5)} MB  ${r.ok ? 'accepted' : `violations ${JSON.stringify(r.violations)}`}`;
}

async function main(argv: readonly string[]): Promise<void> {
  const oneAt = argv.indexOf('--one');
  if (oneAt >= 0) {
    await one(argv[oneAt + 1] ?? REAL);
    return;
  }
  const copiesAt = argv.indexOf('--copies');
  const copies = copiesAt >= 0 ? Number(argv[copiesAt + 1]) : 100;
  const dir = await mkdtemp(join(tmpdir(), 'smpcheck-bench-trace-'));
  try {
    console.log(`smpcheck bench trace: node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, copies ${copies}`);
    const plain = join(dir, 'real.txt');
    await decompress(REAL, plain);
    const big = join(dir, `real-x${copies}.txt`);
    const t0 = performance.now();
    const g = await concatenate(REAL, big, copies);
    console.log(`generated ${big}: ${g.lines} events, ${(g.bytes / 1e9).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`largest shared text trace: ${REAL}`);
    console.log(row('real trace (.xz)', child(REAL)));
    console.log(row('real trace (plain)', child(plain)));
    console.log(row(`${copies}x concatenation (plain)`, child(big)));
    const dat = child(DAT);
    console.log(row('trace.dat v7/zstd (native)', dat));
    const tc = traceCmdCpuSeconds(DAT);
    console.log(tc === null ? 'trace-cmd report: not installed, no side-by-side figure' : `trace-cmd report on the same .dat: ${Math.round(dat.events / tc)} ev/cpu-s (${(tc * 1000).toFixed(0)} ms CPU); native check is ${((dat.events / dat.cpuMs) * 1000 / (dat.events / tc)).toFixed(2)}x that`);
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    if (!argv.includes('--keep')) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main(process.argv.slice(2));
