// The plain form of the protocol (impl/runtime/plain-transform.ts, the threads runtime's default)
// against the generator form: the same accesses through the accessor layer, in the same order,
// on recorded runs (lock-step replay of a seeded random schedule, test/support/plain-replay.ts),
// for smp.c and every catalogue variant; and the transform's own rules on small sources.
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuStepper } from '../../impl/runtime/cpu-stepper.js';
import { loadTypeScript, plainTree, plainVariant, type PlainTree } from '../../impl/runtime/plain-build.js';
import { PlainTransformError, plainModule } from '../../impl/runtime/plain-transform.js';
import type { PlainRun } from '../../impl/runtime/worker-protocol.js';
import { postRequest, type SmpRequest } from '../../impl/requests.js';
import { spawnWorker } from '../../impl/spawn.js';
import { createSharedMem, type SmpConfig } from '../../impl/system.js';
import type { ImplVariant } from '../../impl/variant.js';
import { BUILTIN_VARIANTS } from '../../variants/index.js';
import { ENTRY, LOG_LEN, POS, recordingAccess, STOP } from '../support/plain-replay.js';
import type { ReplayMsg } from '../support/plain-replay-worker.js';

const CPUS = 3;
const WORKLOAD: readonly [number, SmpRequest][] = [
  [0, { kind: 'single', target: 1, wait: true }],
  [1, { kind: 'single', target: 0, wait: false }],
  [2, { kind: 'single_async', target: 0, shared: true }],
  [0, { kind: 'many', mask: [0, 1, 2], wait: true }],
  [1, { kind: 'single_async', target: 2 }],
  [2, { kind: 'cpu_down', cpu: 1 }],
  [0, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2], wait: true, cond: [0, 2] }],
  [2, { kind: 'cpu_up', cpu: 1 }],
  [1, { kind: 'many', mask: [0, 2], wait: false }],
  [0, { kind: 'single', target: 0, wait: true }],
];

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cfgOf = (variant?: ImplVariant): SmpConfig => ({ cpus: CPUS, trace: false, pollSpins: 2, requests: 64, ...(variant === undefined ? {} : { variant }) });

/** The generator form on the stepper: its schedule and its access log. */
function record(variant: ImplVariant | undefined, seed: number, maxSteps: number): { sched: number[]; log: number[] } {
  const mem = createSharedMem(cfgOf(variant));
  for (const [cpu, r] of WORKLOAD) postRequest(mem.m, mem.L, cpu, r);
  const log: number[] = [];
  const st = new CpuStepper(mem, variant, 'sc', (cpu, a) => recordingAccess(a, cpu, (e) => { log.push(...e); }));
  const rnd = mulberry(seed);
  const sched: number[] = [];
  const en: number[] = [];
  while (sched.length < maxSteps) {
    st.enabledInto(en);
    if (en.length === 0) break;
    const actor = en[Math.floor(rnd() * en.length)] ?? 0;
    sched.push(actor);
    st.step(actor);
  }
  return { sched, log };
}

const workers: import('node:worker_threads').Worker[] = [];

async function replay(plain: PlainRun, variant: ImplVariant | undefined, sched: readonly number[], logCap: number): Promise<number[]> {
  const mem = createSharedMem(cfgOf(variant));
  for (const [cpu, r] of WORKLOAD) postRequest(mem.m, mem.L, cpu, r);
  const ctl = new SharedArrayBuffer(16);
  const s = new SharedArrayBuffer(Math.max(4, sched.length * 4));
  new Int32Array(s).set(sched);
  const log = new SharedArrayBuffer((logCap + 64 * ENTRY) * 4);
  const msg: ReplayMsg = { sab: mem.sab, layout: { cpus: CPUS, requests: 64, traceCap: mem.L.traceCap }, ctl, sched: s, len: sched.length, log, plain };
  const done = workers.map((w) => once(w, 'message') as Promise<[{ ok: boolean; how: string }]>);
  for (const w of workers) w.postMessage(msg);
  const timer = setTimeout(() => { Atomics.store(new Int32Array(ctl), STOP, 1); }, 60_000);
  const res = await Promise.all(done);
  clearTimeout(timer);
  for (const [r] of res) expect(r.ok, r.how).toBe(true);
  const c = new Int32Array(ctl);
  expect(Atomics.load(c, STOP), 'replay timed out').toBe(0);
  expect(Atomics.load(c, POS)).toBe(sched.length);
  return [...new Int32Array(log).subarray(0, Math.min(Atomics.load(c, LOG_LEN), logCap + 64 * ENTRY))];
}

function firstDifference(a: readonly number[], b: readonly number[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i += ENTRY) {
    const x = a.slice(i, i + ENTRY).join(',');
    const y = b.slice(i, i + ENTRY).join(',');
    if (x !== y) return `access #${i / ENTRY}: generators [${x}] vs plain [${y}]`;
  }
  return 'none';
}

let tree: PlainTree;
const runOf = async (variant?: ImplVariant): Promise<PlainRun> => ({
  cpuLoop: tree.url('impl/cpu-loop.ts'), variant: tree.url('impl/variant.ts'),
  variantUrl: variant?.url == null ? null : await plainVariant(tree, variant.url),
});

describe('plain protocol form', () => {
  beforeAll(async () => {
    tree = await plainTree(true);
    for (let cpu = 0; cpu < CPUS; cpu++) {
      const w = spawnWorker(new URL('../support/plain-replay-worker.ts', import.meta.url), { workerData: { cpu } });
      workers.push(w);
      await once(w, 'message');
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map(async (w) => { const e = once(w, 'exit'); w.postMessage('exit'); await e; }));
  });

  it('smp.c: the same accesses in the same order as the generator form, on three recorded schedules', async () => {
    const plain = await runOf();
    for (const seed of [1, 2, 3]) {
      const { sched, log } = record(undefined, seed, 6000);
      expect(log.length).toBeGreaterThan(200 * ENTRY); // the workload did run
      const got = await replay(plain, undefined, sched, log.length);
      expect(firstDifference(log, got), `seed ${seed}`).toBe('none');
    }
  }, 120_000);

  it('every catalogue variant has a plain form doing the same accesses in the same order', async () => {
    const files = readdirSync(join(import.meta.dirname, '../../variants/faults')).filter((f) => f.endsWith('.ts'));
    expect(BUILTIN_VARIANTS.length).toBe(files.length);
    for (const v of BUILTIN_VARIANTS) {
      const impl: ImplVariant = { id: v.id, url: v.url, impl: v.impl };
      const { sched, log } = record(impl, 7, 2500);
      expect(log.length, v.id).toBeGreaterThan(40 * ENTRY); // some faults deadlock early
      const got = await replay(await runOf(impl), impl, sched, log.length);
      expect(firstDifference(log, got), v.id).toBe('none');
    }
  }, 240_000);

  it('the transform: function* -> function, yield* f() -> f(), STEP/WAIT -> the points, tracepoints out when off', async () => {
    const ts = await loadTypeScript();
    const src = [
      "import { STEP, WAIT } from './memory.js';",
      'export function* g(c: Ctx, x: number): Proto<number> { yield STEP; if (c.traceOn) tracepoint(c, 1, x, 0, 0, 0); tracepoint(c, 2, x, 0, 0, 0); const r = yield* h(c); yield WAIT; yield waitOn(c, 1, 2); return r + x; }',
    ].join('\n');
    const opt = { fileName: 'x.ts', resolveImport: (s: string) => `file:///p/${s}`, pointsUrl: 'file:///points.ts' };
    const off = plainModule(ts, src, { ...opt, traceOff: true });
    expect(off).not.toContain('function*');
    expect(off).not.toMatch(/\byield\b/);
    expect(off).toContain('__smp_step(c)');
    expect(off).toContain('__smp_wait(c)');
    expect(off).toContain('__smp_yield(c, waitOn(c, 1, 2))');
    expect(off).toContain('const r = h(c)');
    expect(off).not.toContain('tracepoint(c, 2');
    expect(off).toContain('if (false)');
    expect(off).toContain('"file:///p/./memory.js"');
    expect(off).toContain('"file:///points.ts"');
    const on = plainModule(ts, src, { ...opt, traceOff: false });
    expect(on).toContain('tracepoint(c, 2');
    expect(on).toContain('if (c.traceOn)');
  });

  it('the transform refuses code it cannot make plain (the runtime then runs the generators)', async () => {
    const ts = await loadTypeScript();
    const opt = { fileName: 'x.ts', resolveImport: () => null, pointsUrl: 'file:///points.ts', traceOff: true };
    expect(() => plainModule(ts, 'export function* g({ a }: { a: number }) { yield STEP; }', opt)).toThrow(PlainTransformError);
    expect(() => plainModule(ts, 'export function run(g: Generator) { return g.next(); }', opt)).toThrow(/by hand/);
  });
});
