/**
 * Worker entry: one simulated CPU on one real thread. Waits for `run` messages; each run imports
 * the run's variant module (if any, by URL; cached), builds a fresh protocol context (knobs read
 * once from the SAB header, the function table from the variant) and drives cpuLoop until the
 * host sets H_STOP. The pool is reused across runs; the host resets the memory in between.
 * A run in the plain form (runtime/plain-build.ts: no scheduling points) imports the plain
 * cpu-loop, table and variant instead, installs the threads runtime's points and calls cpuLoop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cpuLoop } from '../cpu-loop.js';
import { H_REPORTS, Layout } from '../layout.js';
import { CsdLockPanic } from '../lockwait-debug.js';
import { attachSharedMem, makeCtx, type CtxHooks } from '../system.js';
import type { Ctx } from '../memory.js';
import { importOverrides, kernelTable, type KernelOverrides } from '../variant.js';
import { installPoints } from './plain-points.js';
import { drive, StopRun, threadsPoints } from './threads-driver.js';
import { Livelock } from '../watchdog.js';
import type { FromWorker, PlainRun, ToWorker, WorkerInit } from './worker-protocol.js';

/** What the worker uses of the plain form's modules (their functions return plain values). */
interface PlainForm {
  readonly cpuLoop: (c: Ctx) => void;
  readonly kernelTable: typeof kernelTable;
  readonly impl: KernelOverrides | undefined;
}

async function loadPlain(p: PlainRun): Promise<PlainForm> {
  const [loop, variant] = await Promise.all([import(p.cpuLoop), import(p.variant)]) as [
    { cpuLoop: (c: Ctx) => void }, { kernelTable: typeof kernelTable; importOverrides: typeof importOverrides },
  ];
  const impl = p.variantUrl === null ? undefined : await variant.importOverrides(p.variantUrl);
  return { cpuLoop: loop.cpuLoop, kernelTable: variant.kernelTable, impl };
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('cpu-worker: must run as a worker thread');
const mem = attachSharedMem(init.sab, new Layout(init.layout));
const send = (msg: FromWorker): void => { port.postMessage(msg); };

function run(t0: number, impl: KernelOverrides | undefined, plain: PlainForm | null): void {
  const hooks: CtxHooks = {
    now: () => (performance.timeOrigin + performance.now() - t0) / 1000,
    nowMs: () => performance.now(),
    report: (report) => {
      Atomics.add(mem.m, H_REPORTS, 1); // counted before posting: quiesce waits for all of them
      send({ type: 'debug', cpu: init.cpu, report });
    },
  };
  try {
    if (plain === null) {
      const ctx = makeCtx(mem, init.cpu, hooks, kernelTable(impl));
      drive(ctx, cpuLoop(ctx));
    } else {
      const ctx = makeCtx(mem, init.cpu, hooks, plain.kernelTable(plain.impl));
      installPoints(threadsPoints);
      plain.cpuLoop(ctx);
    }
    send({ type: 'stopped', cpu: init.cpu });
  } catch (e) {
    if (e instanceof StopRun) send({ type: 'stopped', cpu: init.cpu });
    else if (e instanceof CsdLockPanic) send({ type: 'panic', cpu: init.cpu, report: e.report }); // already counted as a debug report
    else if (e instanceof Livelock) send({ type: 'error', cpu: init.cpu, message: e.message });
    else send({ type: 'error', cpu: init.cpu, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'run') process.exit(0);
  else if (msg.plain !== null) {
    const plainRun = msg.plain;
    loadPlain(plainRun).then((p) => { run(msg.t0, undefined, p); }, (e: unknown) => {
      send({ type: 'error', cpu: init.cpu, message: `plain form ${plainRun.variantUrl ?? plainRun.cpuLoop}: ${e instanceof Error ? e.message : String(e)}` });
    });
  } else if (msg.variantUrl === null) run(msg.t0, undefined, null);
  else {
    importOverrides(msg.variantUrl).then((impl) => { run(msg.t0, impl, null); }, (e: unknown) => {
      send({ type: 'error', cpu: init.cpu, message: `variant ${msg.variantUrl ?? ''}: ${e instanceof Error ? e.message : String(e)}` });
    });
  }
});
send({ type: 'ready', cpu: init.cpu });
