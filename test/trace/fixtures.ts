/**
 * Fixture maker for the trace tests: the real trace (decompressed once per test file), slices of
 * it, edited copies written to a temp dir, and small synthetic traces in the kernel's print format.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkTraceFile } from '../../trace/check-file.js';
import { openTrace, textChunks, TraceInputError } from '../../trace/open-trace.js';

export const REAL_TRACE = '/work/shared/traces/linux-6.18-2cpu-tlb-membarrier.txt.xz';

/** The first `max` lines of a trace file (plain, gzip or xz), without the trailing empty line. */
export async function readTraceLines(file: string, max = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of textChunks(await openTrace(file), file)) {
    for (const l of chunk.split('\n')) if (out.length < max) out.push(l);
    if (out.length >= max) break;
  }
  if (out[out.length - 1] === '') out.pop();
  return out;
}

let cached: Promise<string[]> | null = null;

/** All lines of the real trace (about 19 MB of text), read once per test file. */
export function realTraceLines(): Promise<string[]> {
  cached ??= readTraceLines(REAL_TRACE);
  return cached;
}

/** The file's check fails with one TraceInputError line that names the file and matches `pattern`. */
export async function expectOneLineError(file: string, pattern: RegExp): Promise<string> {
  const err: unknown = await checkTraceFile(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TraceInputError);
  const msg = (err as Error).message;
  expect(msg.startsWith(file)).toBe(true);
  expect(msg).toMatch(pattern);
  expect(msg).not.toContain('\n');
  return msg;
}

const MAIN = join(import.meta.dirname, '../../cli/main.ts');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in a child process (as a user would), with extra environment variables. */
export function smpcheck(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'smpcheck-trace-test-'));
}

export function writeTrace(dir: string, name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// ---- reading lines of the kernel's format ----

const PREFIX = /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+(\d+\.\d+):\s+(\w+):\s*(.*)$/;

export interface Line {
  readonly index: number;
  readonly cpu: number;
  readonly ts: string;
  readonly name: string;
  readonly fields: string;
}

export function parse(lines: readonly string[], index: number): Line | null {
  const text = lines[index];
  if (text === undefined) return null;
  const m = PREFIX.exec(text);
  if (m === null) return null;
  return { index, cpu: Number(m[3]), ts: m[5] ?? '', name: m[6] ?? '', fields: m[7] ?? '' };
}

function csdOf(l: Line): string {
  return /csd=([0-9a-f]+)/.exec(l.fields)?.[1] ?? '';
}

function targetOf(l: Line): number {
  return Number(/cpu=(\d+)/.exec(l.fields)?.[1] ?? -1);
}

const NULL = '0000000000000000';

/** A queued request that ran: its queue line, entry line and exit line (0-based indices). */
export interface Run {
  readonly csd: string;
  readonly cpu: number;
  readonly queue: number;
  readonly entry: number;
  readonly exit: number;
}

/**
 * Finds, from `from` on, a queued request with its entry and exit on the target CPU, whose
 * previous request of the same csd was also entered (so no re-queue evidence is involved).
 */
export function findRun(lines: readonly string[], from: number, cpu = 1): Run {
  const lastQueue = new Map<string, number>();
  const enteredSinceQueue = new Map<string, boolean>();
  for (let i = from; i < lines.length; i++) {
    const l = parse(lines, i);
    if (l === null) continue;
    if (l.name === 'csd_queue_cpu') {
      const csd = csdOf(l);
      const prevEntered = enteredSinceQueue.get(csd) === true;
      lastQueue.set(csd, i);
      enteredSinceQueue.set(csd, false);
      if (!prevEntered || targetOf(l) !== cpu) continue;
      // The request queued at i: is it entered next on `cpu`, with the exit right after?
      for (let j = i + 1; j < lines.length && j < i + 200; j++) {
        const e = parse(lines, j);
        if (e === null || e.cpu !== cpu || e.name !== 'csd_function_entry') continue;
        if (csdOf(e) !== csd) break;
        const x = parse(lines, j + 1);
        if (x?.name === 'csd_function_exit' && x.cpu === cpu) return { csd, cpu, queue: i, entry: j, exit: j + 1 };
        break;
      }
    } else if (l.name === 'csd_function_entry') {
      const csd = csdOf(l);
      if (csd !== NULL && lastQueue.has(csd)) enteredSinceQueue.set(csd, true);
    }
  }
  throw new Error(`no suitable run on cpu${cpu} after line ${from + 1}`);
}

// ---- edits (each returns a new array; `line` is the 1-based line number the checker reports) ----

export function dropLine(lines: readonly string[], index: number): string[] {
  return [...lines.slice(0, index), ...lines.slice(index + 1)];
}

export function setCpu(text: string, cpu: number): string {
  return text.replace(/\[\d{3}\]/, `[${String(cpu).padStart(3, '0')}]`);
}

export function insertAt(lines: readonly string[], index: number, extra: readonly string[]): string[] {
  return [...lines.slice(0, index), ...extra, ...lines.slice(index)];
}

// ---- synthetic lines in the kernel's print format ----

export function line(cpu: number, ts: number, name: string, fields: string, task = 'work-100', flags = 'd..2.'): string {
  const head = task.padStart(16);
  return `${head} [${String(cpu).padStart(3, '0')}] ${flags} ${ts.toFixed(6).padStart(12)}: ${name}: ${fields}`;
}

export const ev = {
  queue: (src: number, ts: number, target: number, func: string, csd: string, flags = '...2.'): string =>
    line(src, ts, 'csd_queue_cpu', `cpu=${target} callsite=smp_call_function_single+0x0/0x0 func=${func} csd=${csd}`, 'work-100', flags),
  ipi: (src: number, ts: number, target: number, flags = '...2.'): string =>
    line(src, ts, 'ipi_send_cpu', `cpu=${target} callsite=smp_call_function_single+0x0/0x0 callback=generic_smp_call_function_single_interrupt+0x0/0x10`, 'work-100', flags),
  ipiMask: (src: number, ts: number, mask: string, flags = '...2.'): string =>
    line(src, ts, 'ipi_send_cpumask', `cpumask=${mask} callsite=on_each_cpu_cond_mask+0x20/0x60 callback=generic_smp_call_function_interrupt+0x0/0x10`, 'work-100', flags),
  poll: (src: number, ts: number, target: number, flags = '...2.'): string => line(src, ts, 'sched_wake_idle_without_ipi', `cpu=${target}`, 'work-100', flags),
  entry: (cpu: number, ts: number, func: string, csd: string, flags = 'd.h1.'): string => line(cpu, ts, 'csd_function_entry', `func=${func}, csd=${csd}`, '<idle>-0', flags),
  exit: (cpu: number, ts: number, func: string, csd: string, flags = 'd.h1.'): string => line(cpu, ts, 'csd_function_exit', `func=${func}, csd=${csd}`, '<idle>-0', flags),
  /** include/trace/events/cpuhp.h: " cpu: %04u target: %3d step: %3d (%ps)" */
  cpuhpEnter: (cpu: number, ts: number, target: number, step: number, fun: string): string =>
    line(cpu, ts, 'cpuhp_enter', `cpu: ${String(cpu).padStart(4, '0')} target: ${String(target).padStart(3)} step: ${String(step).padStart(3)} (${fun})`, `cpuhp/${cpu}-20`, 'd..1.'),
  /** " cpu: %04u  state: %3d step: %3d ret: %d" */
  cpuhpExit: (cpu: number, ts: number, state: number, step: number): string =>
    line(cpu, ts, 'cpuhp_exit', `cpu: ${String(cpu).padStart(4, '0')}  state: ${String(state).padStart(3)} step: ${String(step).padStart(3)} ret: 0`, `cpuhp/${cpu}-20`, 'd..1.'),
};

/** The teardown of `cpu` (smpcfd:dying, step 159 as on x86-64 6.x) and, later, its online step. */
export function teardownLines(cpu: number, ts: number): string[] {
  return [ev.cpuhpEnter(cpu, ts, 139, 159, 'smpcfd_dying_cpu'), ev.cpuhpExit(cpu, ts, 158, 159)];
}

export function onlineLines(cpu: number, ts: number): string[] {
  return [ev.cpuhpEnter(cpu, ts, 235, 170, 'sched_cpu_activate'), ev.cpuhpExit(cpu, ts, 170, 170)];
}

export const HEADER = [
  '# tracer: nop',
  '#',
  '# entries-in-buffer/entries-written: 100/100   #P:2',
  '#',
  '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
  '#              | |         |   |||||     |         |',
];
