/**
 * Baseline partner for bench/run.ts: the raw hand-offs our protocol is compared against
 * (toolchain notes §7a): spin ping-pong, Atomics.wait/notify ping-pong, postMessage RPC.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface Init { readonly kind: 'spin' | 'wait' | 'rpc'; readonly role: 'A' | 'B'; readonly iters: number; readonly sab: SharedArrayBuffer }
const { kind, role, iters, sab } = workerData as Init;
const port = parentPort;
if (port === null) throw new Error('baseline-worker: must run as a worker');
const i32 = new Int32Array(sab);

function barrier(): void {
  Atomics.add(i32, 1, 1);
  Atomics.notify(i32, 1);
  while (Atomics.load(i32, 1) < 2) Atomics.wait(i32, 1, 1, 5);
}

if (kind === 'rpc') {
  // the "same call" over messages: receive a request, run a trivial function, reply
  let runs = 0;
  port.on('message', (m: number) => {
    if (m < 0) { port.postMessage({ runs }); port.close(); return; }
    runs++;
    port.postMessage(m);
  });
} else {
  barrier();
  const t0 = process.hrtime.bigint();
  if (kind === 'spin') {
    if (role === 'A') for (let i = 0; i < iters; i++) { Atomics.store(i32, 0, 2 * i + 1); while (Atomics.load(i32, 0) !== 2 * i + 2); }
    else for (let i = 0; i < iters; i++) { while (Atomics.load(i32, 0) !== 2 * i + 1); Atomics.store(i32, 0, 2 * i + 2); }
  } else if (role === 'A') {
    for (let i = 0; i < iters; i++) {
      Atomics.store(i32, 0, 2 * i + 1); Atomics.notify(i32, 0, 1);
      while (Atomics.load(i32, 0) !== 2 * i + 2) Atomics.wait(i32, 0, 2 * i + 1);
    }
  } else {
    for (let i = 0; i < iters; i++) {
      while (Atomics.load(i32, 0) !== 2 * i + 1) Atomics.wait(i32, 0, 2 * i);
      Atomics.store(i32, 0, 2 * i + 2); Atomics.notify(i32, 0, 1);
    }
  }
  port.postMessage({ ns: Number(process.hrtime.bigint() - t0) });
}
