/**
 * Worker entry: one simulated CPU on one real thread. Waits for `run` messages; each run imports
 * the run's variant module (if any, by URL; cached), builds a fresh protocol context (knobs read
 * once from the SAB header, the function table from the variant) and drives cpuLoop until the
 * host sets H_STOP. The pool is reused across runs; the host resets the memory in between.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cpuLoop } from '../cpu-loop.js';
import { H_REPORTS, Layout } from '../layout.js';
import { CsdLockPanic } from '../lockwait-debug.js';
import { attachSharedMem, makeCtx } from '../system.js';
import { importOverrides, kernelTable, type KernelOverrides } from '../variant.js';
import { drive, StopRun } from './threads-driver.js';
import { Livelock } from '../watchdog.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('cpu-worker: must run as a worker thread');
const mem = attachSharedMem(init.sab, new Layout(init.layout));
const send = (msg: FromWorker): void => { port.postMessage(msg); };

function run(t0: number, impl: KernelOverrides | undefined): void {
  const ctx = makeCtx(mem, init.cpu, {
    now: () => (performance.timeOrigin + performance.now() - t0) / 1000,
    nowMs: () => performance.now(),
    report: (report) => {
      Atomics.add(mem.m, H_REPORTS, 1); // counted before posting: quiesce waits for all of them
      send({ type: 'debug', cpu: init.cpu, report });
    },
  }, kernelTable(impl));
  try {
    drive(ctx, cpuLoop(ctx));
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
  else if (msg.variantUrl === null) run(msg.t0, undefined);
  else {
    importOverrides(msg.variantUrl).then((impl) => { run(msg.t0, impl); }, (e: unknown) => {
      send({ type: 'error', cpu: init.cpu, message: `variant ${msg.variantUrl ?? ''}: ${e instanceof Error ? e.message : String(e)}` });
    });
  }
});
send({ type: 'ready', cpu: init.cpu });
