/**
 * Refinement (2): replay implementation trace events through the model's transition function.
 * Each observable event must be a step the model allows from the current state, after a bounded
 * number of silent model steps (stuttering: steps the implementation does not trace, such as CALL,
 * SEND, RETURN, IPI entry, FLUSH_DONE, idle). The checker takes plain trace event objects, so it
 * does not care whether they came from the deterministic runtime, the threads runtime or a file.
 *
 * Observable → model event:
 *   csd_queue_cpu(cpu=t) on p               → an obligation: p takes the model's QUEUE to t later
 *   csd_function_entry(csd≠NULL) on c       → FLUSH_RUN by c (not inside c's dying callback)
 *   cpuhp_enter(smpcfd_dying_cpu, cpu=c)    → HP_DYING of c (its dying flush runs inside that step)
 *   cpuhp_exit after cpuhp_enter(smpcfd_dead_cpu, cpu=c) → HP_DEAD of c (the free is at the end of
 *                                           the callback, after its wait for cfd CSDs in flight)
 *   cpuhp_enter(smpcfd_prepare_cpu, cpu=c)  → HP_PREPARE of c (HP_PREPARE_ENOMEM when its exit has ret≠0)
 *
 * Why QUEUE is an obligation and not a step at the trace event: the kernel (and the implementation)
 * emits `csd_queue_cpu` BEFORE its `llist_add` (__smp_call_single_queue traces, then adds). Two
 * producers racing for one target can therefore trace in one order and add in the other, and the
 * add order decides who sees the empty→non-empty edge and sends the IPI. The model's QUEUE is the
 * add (plus the kick decision). So a traced `csd_queue_cpu` by p opens an obligation that the silent
 * closure discharges by p's model QUEUE to that target at any point after the trace event and before
 * p's next traced event in task context (program order on p: nothing p's task traces comes between
 * its trace and its add; an IPI taken in that gap traces in hardirq context and does not count) or
 * the end of the trace. This is exactly the freedom the real code has, and no more.
 */
import type { TraceEvent } from '../../impl/trace-export.js';
import type { FastSnapshot, TakenTransition } from '../../model/fast-step.js';
import { callersDone } from '../../model/invariants.js';
import { stateKey, viewOf } from '../../model/step.js';
import type { SysEvent, SysEventType } from '../../model/system.js';
import type { ModelOracle } from './model-oracle.js';

const OBSERVABLE: ReadonlySet<SysEventType> = new Set(['QUEUE', 'FLUSH_RUN', 'HP_DYING', 'HP_DEAD', 'HP_PREPARE', 'HP_PREPARE_ENOMEM']);

interface Node {
  readonly s: FastSnapshot;
  /** traced `csd_queue_cpu`s whose add (model QUEUE) has not happened yet: producer*64 + target */
  readonly pending: readonly number[];
  readonly prev: Node | null;
  readonly event: SysEvent | null;
  readonly taken: readonly TakenTransition[];
}

export interface Label {
  readonly index: number;
  readonly text: string;
  readonly event: SysEvent;
  /** QUEUE only: the target CPU the queued CSD must have */
  readonly target: number;
  /** the CPU that emitted the trace event (program order of obligations) */
  readonly tracer: number;
  /**
   * traced in hardirq context (the IPI handler's flush): it interrupted the tracer's task, which may
   * be between its `csd_queue_cpu` and its `llist_add`, so it does not close the task's obligations
   */
  readonly hardirq: boolean;
}

export interface ReplayResult {
  readonly ok: boolean;
  readonly labels: number;
  /** the first trace event the model does not allow, one line */
  readonly failure: string | null;
  /** one witness path through the model (for coverage) */
  readonly path: readonly { readonly value: Readonly<Record<string, string>>; readonly taken: readonly TakenTransition[] }[];
  readonly maxFrontier: number;
}

/** The observable trace events as model events, in trace order. */
export function labelsOf(trace: readonly TraceEvent[]): Label[] {
  const out: Label[] = [];
  const dying = new Set<number>();
  /** tracer*64 + cpu of a cpuhp_enter(smpcfd_dead_cpu) whose cpuhp_exit has not come yet */
  const dead = new Set<number>();
  trace.forEach((e, index) => {
    const text = `#${index} cpu${e.cpu} ${e.event} ${Object.entries(e.fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    if (e.event === 'csd_queue_cpu') out.push({ index, text, event: { type: 'QUEUE', cpu: e.cpu }, target: Number(e.fields.cpu), tracer: e.cpu, hardirq: e.hardirq });
    else if (e.event === 'csd_function_entry' && e.fields.csd !== '0000000000000000' && !dying.has(e.cpu)) {
      out.push({ index, text, event: { type: 'FLUSH_RUN', cpu: e.cpu }, target: -1, tracer: e.cpu, hardirq: e.hardirq });
    } else if (e.event === 'cpuhp_enter') {
      const c = Number(e.fields.cpu);
      if (e.fields.fun === 'smpcfd_dead_cpu') {
        dead.add(e.cpu * 64 + c);
        return;
      }
      let type: SysEventType | null = e.fields.fun === 'smpcfd_dying_cpu' ? 'HP_DYING' : e.fields.fun === 'smpcfd_prepare_cpu' ? 'HP_PREPARE' : null;
      // a prepare whose cpuhp_exit reports an error is the model's HP_PREPARE_ENOMEM
      if (type === 'HP_PREPARE') {
        const exit = trace.slice(index + 1).find((x) => x.event === 'cpuhp_exit' && x.cpu === e.cpu && x.fields.cpu === e.fields.cpu);
        if (exit !== undefined && exit.fields.ret !== '0') type = 'HP_PREPARE_ENOMEM';
      }
      if (type === 'HP_DYING') dying.add(c);
      if (type !== null) out.push({ index, text, event: { type, cpu: c }, target: -1, tracer: e.cpu, hardirq: e.hardirq });
    } else if (e.event === 'cpuhp_exit' && dead.delete(e.cpu * 64 + Number(e.fields.cpu))) {
      out.push({ index, text, event: { type: 'HP_DEAD', cpu: Number(e.fields.cpu) }, target: -1, tracer: e.cpu, hardirq: e.hardirq });
    } else if (e.event === 'cpuhp_exit' && dying.has(e.cpu) && Number(e.fields.cpu) === e.cpu) dying.delete(e.cpu);
  });
  return out;
}

function queuedTo(o: ModelOracle, before: FastSnapshot, after: FastSnapshot, target: number): boolean {
  for (const sl of o.cw.slots) {
    const r = `req${sl.id}`;
    if (after.value[r] === 'queued' && before.value[r] !== 'queued') return after.context.target[sl.id] === target;
  }
  return false;
}

const keyOf = (n: Node): string => (n.pending.length === 0 ? stateKey(n.s) : `${stateKey(n.s)}|${n.pending.join(',')}`);
const pendingOf = (n: Node, cpu: number): boolean => n.pending.some((p) => Math.floor(p / 64) === cpu);

/**
 * Silent closure: every state reachable with ≤ `stutter` unobservable steps, plus the QUEUE steps
 * that discharge a pending obligation (the add behind an already traced `csd_queue_cpu`).
 */
function closure(o: ModelOracle, frontier: readonly Node[], stutter: number, cap: number): Node[] {
  const seen = new Map<string, Node>();
  let layer = [...frontier];
  for (const n of layer) seen.set(keyOf(n), n);
  for (let d = 0; d < stutter && layer.length > 0 && seen.size < cap; d++) {
    const next: Node[] = [];
    for (const n of layer) {
      for (const { event, next: s, taken } of o.successors(n.s)) {
        let pending = n.pending;
        if (event.type === 'QUEUE') {
          const i = n.pending.findIndex((p) => Math.floor(p / 64) === event.cpu && queuedTo(o, n.s, s, p % 64));
          if (i < 0) continue;
          pending = n.pending.filter((_, j) => j !== i);
        } else if (OBSERVABLE.has(event.type)) continue;
        const m: Node = { s, pending, prev: n, event, taken };
        const k = keyOf(m);
        if (seen.has(k)) continue;
        seen.set(k, m);
        next.push(m);
      }
    }
    layer = next;
  }
  return [...seen.values()];
}

export function replayTrace(o: ModelOracle, trace: readonly TraceEvent[], stutter = 24, cap = 50_000): ReplayResult {
  const labels = labelsOf(trace);
  let frontier: Node[] = [{ s: o.initial(), pending: [], prev: null, event: null, taken: [] }];
  let maxFrontier = 1;
  for (const l of labels) {
    const cl = closure(o, frontier, stutter, cap);
    maxFrontier = Math.max(maxFrontier, cl.length);
    const next = new Map<string, Node>();
    for (const n of cl) {
      // program order on the tracing CPU: its task's earlier traced adds have landed before this
      // event — unless the event comes from an interrupt that may have hit between trace and add
      if (!l.hardirq && pendingOf(n, l.tracer)) continue;
      if (l.event.type === 'QUEUE') {
        const m: Node = { s: n.s, pending: [...n.pending, l.event.cpu * 64 + l.target].sort((a, b) => a - b), prev: n.prev, event: n.event, taken: n.taken };
        next.set(keyOf(m), m);
        continue;
      }
      const taken: TakenTransition[] = [];
      const s = o.fast.step(n.s, l.event, taken);
      if (s === n.s) continue;
      const m: Node = { s, pending: n.pending, prev: n, event: l.event, taken };
      next.set(keyOf(m), m);
    }
    if (next.size === 0) {
      return { ok: false, labels: labels.length, failure: `trace event ${l.text} is not allowed by the model after ≤${stutter} silent steps from any of ${cl.length} states`, path: [], maxFrontier };
    }
    frontier = [...next.values()];
  }
  // the run ended at quiescence: some silent continuation must finish every caller's script
  const end = closure(o, frontier, stutter, cap).find((n) => n.pending.length === 0 && callersDone(viewOf(n.s, o.cw), o.cw));
  if (end === undefined) return { ok: false, labels: labels.length, failure: 'after the last trace event the model cannot finish every caller with silent steps', path: [], maxFrontier };
  const path: { value: Readonly<Record<string, string>>; taken: readonly TakenTransition[] }[] = [];
  for (let n: Node | null = end; n !== null; n = n.prev) path.push({ value: n.s.value, taken: n.taken });
  path.reverse();
  return { ok: true, labels: labels.length, failure: null, path, maxFrontier };
}
