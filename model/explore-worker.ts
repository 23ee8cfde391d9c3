/**
 * One worker thread of the parallel explorer (parallel-explorer.ts). It owns a frontier of its
 * own (the states it inserted first into the shared fingerprint set), and expands it one BFS
 * level per `level` message, so every state is expanded at its BFS depth and counterexamples stay
 * shortest. Per state it writes the parent reference (global ref = local index × workers + worker)
 * and the event to its trace file (trace-log.ts), which the main thread reads to rebuild
 * counterexample paths.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CoverageCounter } from './coverage.js';
import { eventCode, setupModel } from './explorer.js';
import { FingerprintSet, FULL, INSERTED } from './fingerprint-set.js';
import { INVARIANTS } from './invariants.js';
import type { Fingerprint } from './state-codec.js';
import { StateQueue, type QueueChunks } from './state-queue.js';
import { TraceLog, traceFile } from './trace-log.js';
import { viewOf, type ModelState, type SystemView } from './step.js';
import type { SysEvent } from './system.js';
import type { ModelVariant } from './variant.js';
import type { Workload } from './workload.js';
import type { TakenTransition } from './fast-step.js';

export interface WorkerInit {
  readonly me: number;
  readonly workers: number;
  readonly cpus: number;
  readonly workload: Workload;
  readonly variant: ModelVariant | undefined;
  readonly table: SharedArrayBuffer;
  /** Int32 words: [0] = stop requested (Ctrl-C), [1] = transitions, [2] = expanded states (progress). */
  readonly control: SharedArrayBuffer;
  readonly hashSeed: number;
  readonly maxStates: number;
  readonly coverage: boolean;
  /** Folder of the trace files: worker `me` writes `traceFile(dir, me)`. */
  readonly traceDir: string;
}

/** A violation a worker found: the state it was seen at (global ref), a final step event, the path length. */
export interface FoundViolation {
  readonly invariant: string;
  readonly message: string;
  readonly ref: number;
  readonly extra: number;
  readonly length: number;
}

export interface LevelDone {
  readonly kind: 'level';
  readonly added: number;
  readonly expanded: number;
  readonly transitions: number;
  readonly terminals: number;
  readonly deadlocks: number;
  readonly violations: readonly FoundViolation[];
  /** Why the worker stopped inside the level, if it did. */
  readonly stop: 'table' | 'maxStates' | 'interrupted' | null;
  readonly queuePeakBytes: number;
  /** Per worker: the states found here that it owns. */
  readonly outbox: readonly QueueChunks[];
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('explore-worker: not a worker thread');

const m = setupModel(init.workload, init.cpus, init.variant, 'fast');
const { cw, codec } = m;
const W = init.workers;
const table = new FingerprintSet({ buffer: init.table });
const control = new Int32Array(init.control);
const queue = new StateQueue();
/** States this worker inserted that another worker owns (fingerprint lo mod workers), handed over at the level's end. */
const outbox = Array.from({ length: W }, () => new StateQueue());
const trace = new TraceLog(traceFile(init.traceDir, init.me));
const cov = new CoverageCounter(['explorer']);
const fp: Fingerprint = { hi: 0, lo: 0 };
const stateInvs = INVARIANTS.filter((x) => x.kind === 'state');
const stepInvs = INVARIANTS.filter((x) => x.kind === 'step');
const finalInvs = INVARIANTS.filter((x) => x.kind === 'final');
const reported = new Set<string>();
let pending: FoundViolation[] = [];
let depth = 0;

const note = (id: string, message: string, ref: number, extra: SysEvent | null, length: number): void => {
  if (reported.has(id)) return;
  reported.add(id);
  pending.push({ invariant: id, message, ref, extra: extra === null ? -1 : eventCode(extra), length });
};

/** Inserts a successor; its global ref, -1 if known, -2 if the table is full. */
const add = (s: ModelState, v: SystemView, from: number, event: SysEvent | null): number => {
  codec.encode(s as never);
  codec.fingerprint(init.hashSeed, fp);
  const r = table.add(fp.hi, fp.lo);
  if (r === FULL) return -2;
  if (r !== INSERTED) return -1;
  const ref = trace.length * W + init.me;
  const owner = (fp.lo >>> 0) % W;
  (owner === init.me ? queue : outbox[owner] as StateQueue).push(codec.buf, codec.length, ref);
  trace.push(from, event === null ? 0 : eventCode(event));
  for (const inv of stateInvs) {
    const msg = inv.check(v, cw);
    if (msg !== null) note(inv.id, msg, ref, null, depth + (from < 0 ? 0 : 1));
  }
  return ref;
};

function level(inbox: readonly QueueChunks[]): LevelDone {
  for (const q of inbox) queue.append(q);
  const count = queue.length;
  let transitions = 0, terminals = 0, deadlocks = 0, expanded = 0, published = 0, publishedExpanded = 0;
  let stop: LevelDone['stop'] = null;
  const taken: TakenTransition[] = [];
  const succ: { event: SysEvent; next: ModelState; taken: TakenTransition[] }[] = [];
  for (let k = 0; k < count; k++) {
    if ((k & 1023) === 1023) {
      if (Atomics.load(control, 0) !== 0) { stop = 'interrupted'; break; }
      Atomics.add(control, 1, transitions - published);
      Atomics.add(control, 2, expanded - publishedExpanded);
      published = transitions;
      publishedExpanded = expanded;
    }
    if (table.size >= init.maxStates) { stop = 'maxStates'; break; }
    queue.shift();
    const i = queue.ref;
    // decoded into the codec's reused arrays: no state is kept past its expansion
    const s: ModelState = codec.decodeReusing(queue.buf, queue.off);
    expanded++;
    if (init.coverage) cov.visitState(s.value as Record<string, string>);
    succ.length = 0;
    for (const event of m.st.candidates(s)) {
      const t: TakenTransition[] = init.coverage ? [] : taken;
      taken.length = 0;
      const next = m.step(s, event, t);
      if (next === s) continue;
      succ.push({ event, next, taken: t });
    }
    const before = viewOf(s, cw);
    if (succ.length === 0) {
      terminals++;
      for (const inv of finalInvs) {
        const msg = inv.check(before, cw);
        if (msg !== null) {
          if (inv.id === 'INV-NO-DEADLOCK') deadlocks++;
          note(inv.id, msg, i, null, depth);
        }
      }
      continue;
    }
    for (const { event, next, taken: t } of succ) {
      transitions++;
      if (init.coverage) cov.visitTransitions(t);
      // a step that left every region's leaf as it was shares the leaf lists of the state it left
      const after: SystemView = next.value === s.value ? { hotplug: before.hotplug, csd: before.csd, ctx: next.context } : viewOf(next, cw);
      for (const inv of stepInvs) {
        const msg = inv.check(before, event, after, cw);
        if (msg !== null) note(inv.id, msg, i, event, depth + 1);
      }
      if (add(next, after, i, event) === -2) { stop = 'table'; break; }
    }
    if (stop !== null) break;
  }
  Atomics.add(control, 1, transitions - published);
  Atomics.add(control, 2, expanded - publishedExpanded);
  table.publish();
  depth++;
  const v = pending;
  pending = [];
  let peak = queue.peakBytes;
  const out = outbox.map((q) => {
    peak += q.peakBytes;
    return q.take();
  });
  const added = queue.length + out.reduce((a, q) => a + q.records, 0);
  return { kind: 'level', added, expanded, transitions, terminals, deadlocks, violations: v, stop, queuePeakBytes: peak, outbox: out };
}

port.on('message', (msg: { cmd: 'start' | 'level' | 'finish'; inbox?: QueueChunks[] }) => {
  if (msg.cmd === 'start') {
    if (init.me === 0) add(m.initial, viewOf(m.initial, cw), -1, null);
    table.publish();
    const v = pending;
    pending = [];
    const out = outbox.map((q) => q.take());
    port.postMessage({ kind: 'started', added: queue.length + out.reduce((a, q) => a + q.records, 0), violations: v, outbox: out });
  } else if (msg.cmd === 'level') {
    const r = level(msg.inbox ?? []);
    port.postMessage(r, r.outbox.flatMap((q) => q.chunks.map((c) => c.buffer as ArrayBuffer)));
  } else {
    trace.close();
    port.postMessage({ kind: 'finish', coverage: cov.report(), states: trace.length });
  }
});
