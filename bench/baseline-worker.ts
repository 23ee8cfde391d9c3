/**
 * Baseline partner for bench/run.ts: the raw hand-offs our protocol is compared against
 * (toolchain notes §7a): spin ping-pong, Atomics.wait/notify ping-pong, postMessage RPC.
 * The two ping-pongs warm up (a quarter of `iters`), then time 5 batches (ns per round trip each).
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
  // Warm-up first (both sides JIT-compiled and running before any timing), then BATCHES timed
  // batches: the host takes their median, so one descheduling on a shared machine does not set it.
  const BATCHES = 5;
  const warm = Math.max(1, iters >> 2);
  let i = 0;
  const roundTrips = (n: number): void => {
    const end = i + n;
    if (kind === 'spin') {
      if (role === 'A') for (; i < end; i++) { Atomics.store(i32, 0, 2 * i + 1); while (Atomics.load(i32, 0) !== 2 * i + 2); }
      else for (; i < end; i++) { while (Atomics.load(i32, 0) !== 2 * i + 1); Atomics.store(i32, 0, 2 * i + 2); }
    } else if (role === 'A') {
      for (; i < end; i++) {
        Atomics.store(i32, 0, 2 * i + 1); Atomics.notify(i32, 0, 1);
        while (Atomics.load(i32, 0) !== 2 * i + 2) Atomics.wait(i32, 0, 2 * i + 1);
      }
    } else {
      for (; i < end; i++) {
        while (Atomics.load(i32, 0) !== 2 * i + 1) Atomics.wait(i32, 0, 2 * i);
        Atomics.store(i32, 0, 2 * i + 2); Atomics.notify(i32, 0, 1);
      }
    }
  };
  roundTrips(warm);
  const per = Math.max(1, Math.floor(iters / BATCHES));
  const nsPerRoundTrip: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    roundTrips(per);
    nsPerRoundTrip.push(Number(process.hrtime.bigint() - t0) / per);
  }
  port.postMessage({ nsPerRoundTrip });
}
