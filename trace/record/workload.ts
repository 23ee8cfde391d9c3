/**
 * The built-in workload of `trace record`: `workload.c` (TLB shootdowns, membarrier, cross-CPU
 * futex wake-ups on every online CPU), compiled with the system C compiler into a cache folder on
 * first use. Without a compiler, a Node fallback runs worker threads that wake each other through
 * `Atomics.notify` (cross-CPU wake-ups) and churn large buffers (unmaps, hence TLB shootdowns);
 * it cannot issue membarrier, and the recording says so.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Workload {
  readonly argv: readonly string[];
  readonly description: string;
}

const SOURCE = fileURLToPath(new URL('./workload.c', import.meta.url));

const NODE_FALLBACK = `
const { Worker } = require('node:worker_threads');
const ms = Number(process.argv[1] ?? 1500);
const n = Math.max(2, require('node:os').availableParallelism());
const sab = new SharedArrayBuffer(4 * n);
const code = \`
  const { workerData: { sab, me, n, ms } } = require('node:worker_threads');
  const a = new Int32Array(sab); const end = Date.now() + ms; let junk = 0;
  while (Date.now() < end) {
    const b = new Uint8Array(1 << 20); b[0] = 1; junk += b[0];
    Atomics.store(a, (me + 1) % n, 1); Atomics.notify(a, (me + 1) % n);
    Atomics.wait(a, me, 0, 2); Atomics.store(a, me, 0);
  }\`;
const ws = Array.from({ length: n }, (_, me) => new Worker(code, { eval: true, workerData: { sab, me, n, ms } }));
Promise.all(ws.map((w) => new Promise((r) => w.on('exit', r)))).then(() => process.exit(0));
`;

/** The workload command for `ms` milliseconds. */
export function builtinWorkload(ms: number, cacheRoot = join(tmpdir(), 'smpcheck-workload')): Workload {
  const src = readFileSync(SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const bin = join(cacheRoot, `workload-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(cacheRoot, { recursive: true });
    const tmp = `${bin}.${process.pid}`;
    const cc = process.env.CC ?? 'cc';
    const r = spawnSync(cc, ['-O2', '-pthread', '-o', tmp, SOURCE], { encoding: 'utf8' });
    if (r.status === 0) renameSync(tmp, bin);
  }
  if (existsSync(bin)) return { argv: [bin, String(ms)], description: `built-in workload (${bin}): TLB shootdowns, membarrier, cross-CPU wake-ups for ${ms} ms` };
  return {
    argv: [process.execPath, '-e', NODE_FALLBACK, String(ms)],
    description: `built-in Node workload (no C compiler): cross-CPU wake-ups and buffer churn for ${ms} ms; membarrier is not exercised`,
  };
}
