/**
 * The threads runtime: one worker_thread per simulated CPU, really parallel, all sharing one
 * SharedArrayBuffer. The host (a test, the CLI, a benchmark) posts commands into per-CPU
 * mailboxes and awaits their status words with Atomics.waitAsync. One pool serves many runs:
 * `restart` stops the CPU loops, resets the shared memory and starts them again.
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import {
  C_CUR_CSD, C_DOORBELL, C_MB_HEAD, C_MB_TAIL, C_QUEUE, C_STATE, H_GATE, H_PANIC, H_REPORTS, H_STOP, HP_ONLINE, NULL,
  R_STATUS, RS_RETURNED,
} from '../layout.js';
import type { DebugReport } from '../memory.js';
import { kickHost } from '../kick-host.js';
import {
  accountingReport, postRequest, requestResult, type AccountingReport, type RequestResult, type SmpRequest,
} from '../requests.js';
import { spawnWorker, siblingUrl } from '../spawn.js';
import { createSharedMem, resetSharedMem, type SharedMem, type SmpConfig } from '../system.js';
import { readTrace, type TraceEvent } from '../trace-export.js';
import { plainTree, plainVariant } from './plain-build.js';
import type { FromWorker, PlainRun, ToWorker, WorkerInit } from './worker-protocol.js';

export interface QuiesceResult {
  readonly status: 'quiescent' | 'timeout' | 'panic' | 'error';
  readonly accounting: AccountingReport;
  readonly debugReports: readonly DebugReport[];
  readonly message?: string;
}

export class RunFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailed';
  }
}

/** The URL each worker imports for the configured variant (null: smp.c). */
function variantUrl(cfg: SmpConfig): string | null {
  const v = cfg.variant;
  if (v === undefined || Object.keys(v.impl).length === 0) return null;
  if (v.url === null) throw new RunFailed(`variant ${v.id}: has no module URL; the threads runtime imports a variant in every worker by URL`);
  return v.url;
}

function withoutVariant(cfg: SmpConfig): SmpConfig {
  const rest: Record<string, unknown> = { ...cfg };
  delete rest.variant;
  return rest as unknown as SmpConfig;
}

/**
 * The plain form for a run of `cfg` (runtime/plain-build.ts), or why not: `protocolForm:
 * 'generators'` asks for the generator form; a variant the transform refuses, or no TypeScript
 * compiler, falls back to it (the note says which).
 */
async function plainRun(cfg: SmpConfig): Promise<{ run: PlainRun | null; note: string }> {
  if (cfg.protocolForm === 'generators') return { run: null, note: 'generator form (asked for)' };
  try {
    const tree = await plainTree(cfg.trace === false);
    const url = variantUrl(cfg);
    const v = url === null ? null : await plainVariant(tree, url);
    return {
      run: { cpuLoop: tree.url('impl/cpu-loop.ts'), variant: tree.url('impl/variant.ts'), variantUrl: v },
      note: `plain form (${tree.traceOff ? 'tracepoints compiled out' : 'tracepoints on'})`,
    };
  } catch (e) {
    return { run: null, note: `generator form: no plain form (${e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e)})` };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ThreadsSystem {
  readonly debugReports: DebugReport[] = [];
  private readonly exits: Promise<unknown>[];
  private stopped = new Set<number>();
  private stoppedWaiters: (() => void)[] = [];
  private failure: string | null = null;
  private panicked = false;
  private pending = new Set<number>();
  /** How the workers run the protocol in the current run, and why (plain form or generator fallback). */
  formNote = '';
  form: 'plain' | 'generators' = 'generators';

  private constructor(
    readonly mem: SharedMem,
    private cfg: SmpConfig,
    private readonly workers: readonly Worker[],
  ) {
    // gotcha 3: attach the exit listener at spawn time, not after awaiting a result
    this.exits = workers.map((w) => once(w, 'exit'));
    workers.forEach((w) => {
      w.on('message', (msg: FromWorker) => { this.onMessage(msg); });
      w.on('error', (e) => { this.failure ??= `worker error: ${e.message}`; });
    });
  }

  static async start(cfg: SmpConfig): Promise<ThreadsSystem> {
    if (cfg.memory !== undefined && cfg.memory !== 'sc') throw new RangeError(`memory: ${cfg.memory} needs the deterministic runtime (real threads are JS Atomics: sc only)`);
    variantUrl(cfg); // a variant without a module cannot reach the workers: say so before spawning
    const mem = createSharedMem(cfg);
    const entry = siblingUrl(import.meta.url, 'cpu-worker');
    const workers: Worker[] = [];
    const ready: Promise<unknown>[] = [];
    for (let cpu = 0; cpu < mem.L.ncpus; cpu++) {
      const workerData: WorkerInit = {
        sab: mem.sab, cpu,
        layout: { cpus: mem.L.ncpus, requests: mem.L.reqCap, traceCap: mem.L.traceCap },
      };
      const w = spawnWorker(entry, { workerData });
      ready.push(new Promise((resolve, reject) => {
        w.once('error', reject);
        w.on('message', (m: FromWorker) => { if (m.type === 'ready') resolve(m); });
      }));
      workers.push(w);
    }
    const sys = new ThreadsSystem(mem, cfg, workers);
    const [plain] = await Promise.all([plainRun(cfg), ...ready]);
    sys.launch(plain);
    return sys;
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'debug': this.debugReports.push(msg.report); break;
      case 'panic':
        this.panicked = true;
        this.failure ??= `panic_on_ipistall: ${msg.report.text}`;
        this.stopAll();
        this.markStopped(msg.cpu);
        break;
      case 'error':
        this.failure ??= `cpu${msg.cpu}: ${msg.message.split('\n')[0] ?? ''}`;
        this.stopAll();
        this.markStopped(msg.cpu);
        break;
      case 'stopped': this.markStopped(msg.cpu); break;
      case 'ready': break;
    }
  }

  private markStopped(cpu: number): void {
    this.stopped.add(cpu);
    if (this.stopped.size === this.workers.length) for (const f of this.stoppedWaiters.splice(0)) f();
  }

  private launch(plain: { run: PlainRun | null; note: string }): void {
    this.stopped.clear();
    this.failure = null;
    this.panicked = false;
    this.form = plain.run === null ? 'generators' : 'plain';
    this.formNote = plain.note;
    const msg: ToWorker = { type: 'run', t0: performance.timeOrigin + performance.now(), variantUrl: variantUrl(this.cfg), plain: plain.run };
    for (const w of this.workers) w.postMessage(msg);
  }

  private stopAll(): void {
    Atomics.store(this.mem.m, H_STOP, 1);
    for (let i = 0; i < this.mem.L.ncpus; i++) kickHost(this.mem.m, this.mem.L, i);
  }

  private async waitStopped(): Promise<void> {
    if (this.stopped.size === this.workers.length) return;
    await new Promise<void>((resolve) => this.stoppedWaiters.push(resolve));
  }

  /** Post a command without waiting; returns the request id. */
  post(cpu: number, req: SmpRequest): number {
    const id = postRequest(this.mem.m, this.mem.L, cpu, req);
    this.pending.add(id);
    return id;
  }

  /** Resolve when request `id` returned; reject with a one-line RunFailed on panic or timeout. */
  async wait(id: number, timeoutMs = 20_000): Promise<RequestResult> {
    const { m, L } = this.mem;
    const idx = L.req(id, R_STATUS);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const st = Atomics.load(m, idx);
      if (st === RS_RETURNED) {
        this.pending.delete(id);
        return requestResult(m, L, id, this.mem.f64);
      }
      if (this.failure !== null) throw new RunFailed(this.failure);
      if (performance.now() > deadline) throw new RunFailed(`request ${id} did not return within ${timeoutMs} ms (raise the timeout, or look at debugReports)`);
      const r = Atomics.waitAsync(m, idx, st, 50);
      if (r.async) await r.value;
    }
  }

  async call(cpu: number, req: SmpRequest, timeoutMs?: number): Promise<RequestResult> {
    return this.wait(this.post(cpu, req), timeoutMs);
  }

  result(id: number): RequestResult {
    return requestResult(this.mem.m, this.mem.L, id, this.mem.f64);
  }

  /** Open the fn_stall gate. */
  openGate(): void {
    Atomics.store(this.mem.m, H_GATE, 1);
    for (let i = 0; i < this.mem.L.ncpus; i++) kickHost(this.mem.m, this.mem.L, i);
  }

  private idleNow(): boolean {
    const { m, L } = this.mem;
    for (let i = 0; i < L.ncpus; i++) {
      if (Atomics.load(m, L.cpu(i, C_MB_TAIL)) !== Atomics.load(m, L.cpu(i, C_MB_HEAD))) return false;
      if (Atomics.load(m, L.cpu(i, C_CUR_CSD)) !== NULL) return false;
      if (Atomics.load(m, L.cpu(i, C_STATE)) !== HP_ONLINE) continue;
      if (Atomics.load(m, L.cpu(i, C_QUEUE)) !== NULL || Atomics.load(m, L.cpu(i, C_DOORBELL)) !== 0) return false;
    }
    return true;
  }

  /** Await every posted request, then until no queue, doorbell or mailbox holds work. */
  async quiesce(timeoutMs = 20_000): Promise<QuiesceResult> {
    const deadline = performance.now() + timeoutMs;
    try {
      for (const id of [...this.pending]) await this.wait(id, Math.max(1, deadline - performance.now()));
      let stable = 0;
      while (stable < 3) {
        if (this.failure !== null) throw new RunFailed(this.failure);
        if (performance.now() > deadline) {
          return { status: 'timeout', accounting: this.accounting(), debugReports: this.debugReports, message: `not quiescent after ${timeoutMs} ms` };
        }
        stable = this.idleNow() && this.debugReports.length >= Atomics.load(this.mem.m, H_REPORTS) ? stable + 1 : 0;
        await sleep(1);
      }
      return { status: 'quiescent', accounting: this.accounting(), debugReports: this.debugReports };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const status = this.panicked || Atomics.load(this.mem.m, H_PANIC) !== 0 ? 'panic' : e instanceof RunFailed && message.includes('did not return') ? 'timeout' : 'error';
      return { status, accounting: this.accounting(), debugReports: this.debugReports, message };
    }
  }

  accounting(): AccountingReport {
    return accountingReport(this.mem);
  }

  trace(): TraceEvent[] {
    return readTrace(this.mem);
  }

  /** Stop the CPU loops, reset the shared memory (optionally with new knobs), start again. */
  async restart(cfg: Partial<SmpConfig> = {}): Promise<void> {
    this.stopAll();
    await this.waitStopped();
    this.cfg = { ...this.cfg, ...cfg, cpus: this.mem.L.ncpus };
    if (!('variant' in cfg)) this.cfg = withoutVariant(this.cfg); // a restart without a variant runs smp.c
    variantUrl(this.cfg);
    const plain = await plainRun(this.cfg);
    resetSharedMem(this.mem, this.cfg, 200);
    this.pending.clear();
    this.debugReports.length = 0;
    this.launch(plain);
  }

  async stop(): Promise<void> {
    this.stopAll();
    await this.waitStopped();
    const msg: ToWorker = { type: 'exit' };
    for (const w of this.workers) w.postMessage(msg);
    await Promise.all(this.exits);
  }
}
