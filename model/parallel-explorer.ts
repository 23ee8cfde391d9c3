/**
 * The explorer on several worker threads (explore-worker.ts) sharing one fingerprint set in a
 * SharedArrayBuffer. The search is level-synchronous BFS: every worker expands the states it
 * inserted at depth d, then waits until all have finished depth d. So each state is expanded at its
 * BFS depth and every violation is reported with a shortest path (of the same length as the
 * sequential explorer's; when several paths are equally short, possibly another one). States,
 * transitions, terminals, depth, invariant verdicts and check counts and coverage equal the
 * sequential explorer's (test/model/parallel-explorer.test.ts).
 *
 * Not in parallel: `abstract` (shortest path per abstract state needs the global BFS order),
 * variants with own implementations (`provide`: functions cannot be sent to a worker) and the
 * swarm's `orderSeed`/`maxDepth`; those run with `explore` on this thread (`workers: 1`), as
 * does everything when the worker module is not beside this one (a single-file bundle).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mergeCoverage } from './coverage-merge.js';
import {
  boundText, counterexampleOf, DEFAULT_MAX_STATES, eventOf, explore, setupModel, tableBytesFor,
  type ExploreOptions, type ExploreResult,
} from './explorer.js';
import type { FoundViolation, LevelDone, WorkerInit } from './explore-worker.js';
import { FingerprintSet } from './fingerprint-set.js';
import type { QueueChunks } from './state-queue.js';
import { INVARIANTS, invariantById } from './invariants.js';
import { TRACE_LOG_BUFFER_BYTES, traceFile, TraceReader } from './trace-log.js';
import type { SysEvent } from './system.js';
import type { Counterexample, CoverageReport, InvariantResult } from './types.js';
import { findWorkload, type Workload } from './workload.js';

export interface ParallelExploreOptions extends ExploreOptions {
  /** Worker threads (default: available cores). */
  readonly workers?: number;
  readonly signal?: AbortSignal;
  /** After each BFS level: the depth just expanded, distinct states so far and the next level's size. */
  readonly onLevel?: (l: { readonly depth: number; readonly states: number; readonly next: number; readonly elapsedMs: number }) => void;
}

let bundled: Promise<string | null> | null = null;
/**
 * The .ts worker as one ES module with everything it imports (esbuild, once per process, ~50 ms),
 * or null when esbuild cannot be loaded. A thread starts from it in ~0.1 s; through tsx's loader
 * each worker took ~0.5 s of CPU (a loader thread of its own), which was most of the parallel
 * overhead on runs of a few seconds.
 */
function workerBundle(entry: URL): Promise<string | null> {
  bundled ??= (async () => {
    try {
      const { build } = await import('esbuild');
      const r = await build({ entryPoints: [fileURLToPath(entry)], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
      return r.outputFiles[0]?.text ?? null;
    } catch {
      return null;
    }
  })();
  return bundled;
}

/** Starts a worker: a .js module as it is, a .ts one from its bundle (in `dir`), else through tsx's loader (on Node 20 `--import tsx` does not reach workers). */
async function spawn(entry: URL, workerData: unknown, dir: string): Promise<Worker> {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const code = await workerBundle(entry);
  if (code !== null) {
    const file = join(dir, 'explore-worker.mjs');
    if (!existsSync(file)) writeFileSync(file, code);
    return new Worker(pathToFileURL(file), { workerData });
  }
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** The workload as plain data for a worker: scripts for this CPU count, no `generate` function. */
function plainWorkload(w: Workload, cpus: number): Workload {
  const { generate, ...rest } = w;
  return { ...rest, scripts: generate === undefined ? w.scripts : generate(cpus) };
}

interface Channel {
  readonly worker: Worker;
  next(): Promise<unknown>;
}
function channel(worker: Worker): Channel {
  const inbox: unknown[] = [];
  const waiting: { ok: (v: unknown) => void; fail: (e: unknown) => void }[] = [];
  let failed: Error | null = null;
  worker.on('message', (m) => {
    const w = waiting.shift();
    if (w === undefined) inbox.push(m);
    else w.ok(m);
  });
  const fail = (e: unknown): void => {
    failed = e instanceof Error ? e : new Error(`explorer worker failed: ${JSON.stringify(e)}`);
    for (const w of waiting.splice(0)) w.fail(e);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (code !== 0) fail(new Error(`explorer worker exited with code ${code}`)); });
  return {
    worker,
    next: () => {
      if (inbox.length > 0) return Promise.resolve(inbox.shift());
      if (failed !== null) return Promise.reject(failed);
      return new Promise((ok, f) => waiting.push({ ok, fail: f }));
    },
  };
}

export async function exploreParallel(opts: ParallelExploreOptions): Promise<ExploreResult> {
  const workers = Math.max(1, Math.min(8, Math.floor(opts.workers ?? availableParallelism())));
  const workload = typeof opts.workload === 'string' ? findWorkload(opts.workload) : opts.workload;
  if (workers === 1 || opts.abstract === true || opts.variant?.rules.provide !== undefined || opts.stepper === 'xstate' || (opts.orderSeed ?? 0) !== 0 || opts.maxDepth !== undefined) {
    return explore({ ...opts, workload });
  }
  const url = new URL(`./explore-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  // bundled into one file (the CLI tests' esbuild bundle) there is no worker module to start
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) return explore({ ...opts, workload });
  const t0 = performance.now();
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const m = setupModel(workload, opts.cpus, opts.variant, 'fast');
  const table = new FingerprintSet({ bytes: opts.tableBytes ?? tableBytesFor(maxStates), shared: true });
  const control = new Int32Array(new SharedArrayBuffer(16));
  const traceDir = mkdtempSync(join(tmpdir(), 'smpcheck-explore-'));
  const base: Omit<WorkerInit, 'me'> = {
    workers, cpus: opts.cpus, workload: plainWorkload(workload, opts.cpus), variant: opts.variant,
    table: table.buffer as SharedArrayBuffer, control: control.buffer,
    hashSeed: opts.hashSeed ?? 0, maxStates, coverage: opts.coverage !== false, traceDir,
  };
  const ch: Channel[] = [];
  const onAbort = (): void => { Atomics.store(control, 0, 1); };
  opts.signal?.addEventListener('abort', onAbort);
  const progress = opts.onProgress === undefined ? null : setInterval(() => {
    const states = table.size;
    opts.onProgress?.({ states, transitions: Atomics.load(control, 1), depth, queue: states - Atomics.load(control, 2), elapsedMs: performance.now() - t0 });
  }, 1000);
  let depth = 0;
  let transitions = 0, terminals = 0, deadlocks = 0;
  let stop: 'table' | 'maxStates' | 'interrupted' | null = null;
  const best = new Map<string, FoundViolation>();
  const take = (vs: readonly FoundViolation[]): void => {
    for (const v of vs) {
      const old = best.get(v.invariant);
      if (old === undefined || v.length < old.length) best.set(v.invariant, v);
    }
  };
  let queuePeak = 0;
  let startupMs: number;
  const readers: TraceReader[] = [];
  try {
    for (let me = 0; me < workers; me++) ch.push(channel(await spawn(url, { ...base, me }, traceDir)));
    for (const c of ch) c.worker.postMessage({ cmd: 'start' });
    let frontier = 0;
    /** inboxes[j]: what the workers found for worker j in the last level */
    let inboxes: QueueChunks[][] = ch.map(() => []);
    const route = (out: readonly QueueChunks[]): void => {
      out.forEach((q, j) => { if (q.records > 0) inboxes[j]?.push(q); });
    };
    for (const c of ch) {
      const r = (await c.next()) as { added: number; violations: FoundViolation[]; outbox: QueueChunks[] };
      frontier += r.added;
      take(r.violations);
      route(r.outbox);
    }
    startupMs = performance.now() - t0;
    while (frontier > 0) {
      if (opts.signal?.aborted === true) { stop = 'interrupted'; break; }
      ch.forEach((c, j) => {
        const inbox = inboxes[j] ?? [];
        c.worker.postMessage({ cmd: 'level', inbox }, inbox.flatMap((q) => q.chunks.map((x) => x.buffer as ArrayBuffer)));
      });
      inboxes = ch.map(() => []);
      frontier = 0;
      let peak = 0;
      for (const c of ch) {
        const r = (await c.next()) as LevelDone;
        if (process.env['SMPCHECK_EXPLORE_DEBUG'] === '1') process.stderr.write(`level ${depth} worker expanded ${r.expanded}\n`);
        route(r.outbox);
        frontier += r.added;
        transitions += r.transitions;
        terminals += r.terminals;
        deadlocks += r.deadlocks;
        peak += r.queuePeakBytes;
        take(r.violations);
        if (r.stop !== null && (stop === null || r.stop === 'table')) stop = r.stop;
      }
      queuePeak = Math.max(queuePeak, peak);
      if (stop !== null) break;
      opts.onLevel?.({ depth, states: table.size, next: frontier, elapsedMs: performance.now() - t0 });
      if (frontier > 0) depth++;
    }
    for (const c of ch) c.worker.postMessage({ cmd: 'finish' });
    const fin = [] as { coverage: CoverageReport }[];
    for (const c of ch) fin.push((await c.next()) as { coverage: CoverageReport });
    // the workers have closed their trace files: walk each violation's parents back to the initial state
    if (best.size > 0) for (let me = 0; me < workers; me++) readers.push(new TraceReader(traceFile(traceDir, me)));
    const eventsTo = (ref: number): SysEvent[] => {
      const out: SysEvent[] = [];
      for (let r = ref; r >= 0;) {
        const t = readers[r % workers]?.get(Math.floor(r / workers));
        if (t === undefined || t.parent < 0) break;
        out.push(eventOf(t.via));
        r = t.parent;
      }
      return out.reverse();
    };
    const violations: Counterexample[] = [];
    for (const v of best.values()) {
      const inv = invariantById(v.invariant);
      if (inv === undefined) continue;
      const events = eventsTo(v.ref);
      if (v.extra >= 0) events.push(eventOf(v.extra));
      violations.push(counterexampleOf(m, opts.variant, inv, v.message, events));
    }
    const states = table.size;
    const invariants: InvariantResult[] = [];
    for (const inv of INVARIANTS) {
      const checks = inv.kind === 'state' ? states : inv.kind === 'step' ? transitions : terminals;
      invariants.push({ id: inv.id, sentence: inv.sentence, status: best.has(inv.id) ? 'fail' : checks > 0 ? 'pass' : 'not-checked', checks });
    }
    // the sequential explorer lists violations in the order it found them: by path length, then invariant order
    const rank = new Map(INVARIANTS.map((x, k) => [x.id as string, k]));
    violations.sort((a, b) => ((best.get(a.invariant)?.length ?? 0) - (best.get(b.invariant)?.length ?? 0)) || ((rank.get(a.invariant) ?? 0) - (rank.get(b.invariant) ?? 0)));
    const elapsedMs = performance.now() - t0;
    return {
      config: { cpus: m.cw.n, workload: workload.name, variant: opts.variant?.id ?? null, maxStates },
      states, transitions, depth, elapsedMs,
      statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
      complete: stop === null,
      bound: stop === null ? null : boundText(stop, states, depth, { maxStates, table }),
      invariants, violations, deadlocks, terminals,
      coverage: mergeCoverage(fin.map((f) => f.coverage)),
      abstract: null,
      workers, startupMs: Math.round(startupMs),
      memory: {
        tableBytes: table.bytes, tableSlots: table.slots, tableEntries: states, queuePeakBytes: queuePeak,
        traceBytes: workers * TRACE_LOG_BUFFER_BYTES, traceFileBytes: states * 5, collisionProbability: table.collisionProbability,
      },
    };
  } finally {
    if (progress !== null) clearInterval(progress);
    opts.signal?.removeEventListener('abort', onAbort);
    for (const r of readers) r.close();
    await Promise.all(ch.map((c) => c.worker.terminate()));
    rmSync(traceDir, { recursive: true, force: true });
  }
}
