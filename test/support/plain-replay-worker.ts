/** A CPU of the plain-form lock-step replay (test/support/plain-replay.ts); one replay per message. */
import { parentPort, workerData } from 'node:worker_threads';
import { atomicsAccess } from '../../impl/access.js';
import { Layout, type LayoutConfig } from '../../impl/layout.js';
import type { Ctx } from '../../impl/memory.js';
import { installPoints } from '../../impl/runtime/plain-points.js';
import type { PlainRun } from '../../impl/runtime/worker-protocol.js';
import { attachSharedMem, makeCtx } from '../../impl/system.js';
import type { KernelOverrides, kernelTable } from '../../impl/variant.js';
import { ENTRY, LOG_LEN, lockstepPoints, recordingAccess, StopReplay } from './plain-replay.js';

export interface ReplayMsg {
  readonly sab: SharedArrayBuffer;
  readonly layout: LayoutConfig;
  readonly ctl: SharedArrayBuffer;
  readonly sched: SharedArrayBuffer;
  readonly len: number;
  readonly log: SharedArrayBuffer;
  readonly plain: PlainRun;
}

const cpu = (workerData as { cpu: number }).cpu;
const port = parentPort;
if (port === null) throw new Error('plain-replay-worker: must run as a worker');

async function replay(msg: ReplayMsg): Promise<string> {
  const [loop, variant] = await Promise.all([import(msg.plain.cpuLoop), import(msg.plain.variant)]) as [
    { cpuLoop: (c: Ctx) => void },
    { kernelTable: typeof kernelTable; importOverrides: (url: string) => Promise<KernelOverrides> },
  ];
  const impl = msg.plain.variantUrl === null ? undefined : await variant.importOverrides(msg.plain.variantUrl);
  const mem = attachSharedMem(msg.sab, new Layout(msg.layout));
  const ctl = new Int32Array(msg.ctl);
  const log = new Int32Array(msg.log);
  const a = recordingAccess(atomicsAccess(mem.m), cpu, (e) => {
    const k = Atomics.add(ctl, LOG_LEN, ENTRY);
    if (k + ENTRY <= log.length) log.set(e, k);
  });
  const hooks = { now: () => 0, nowMs: () => 0, report: () => { /* no lock-wait debug in a replay */ } };
  const ctx = makeCtx(mem, cpu, hooks, variant.kernelTable(impl), a);
  const ls = lockstepPoints(ctl, new Int32Array(msg.sched), msg.len, cpu, mem.L.ncpus);
  installPoints(ls.points);
  try {
    ls.first(ctx);
    loop.cpuLoop(ctx);
    return 'returned';
  } catch (e) {
    if (e instanceof StopReplay) return e.message;
    throw e;
  }
}

port.on('message', (msg: ReplayMsg | 'exit') => {
  if (msg === 'exit') process.exit(0);
  replay(msg).then((how) => { port.postMessage({ ok: true, how }); }, (e: unknown) => {
    port.postMessage({ ok: false, how: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  });
});
port.postMessage({ ok: true, how: 'ready' });
