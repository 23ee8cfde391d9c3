/**
 * The 16 invariants of smp-protocol.md §8 (plus one finer one from smp-semantics.md §7.7), each a
 * named object with its stable ID and sentence. Tests, the CLI and reports use these objects.
 * `check` returns null when the invariant holds, else a one-line message starting with the ID.
 * - 'state' invariants see one reachable state,
 * - 'step' invariants see (before, event, after),
 * - 'final' invariants see a terminal state (no event enabled).
 */
import type { InvariantId } from './types.js';
import type { SystemView } from './step.js';
import { ENXIO, PHASE_READY, PHASE_WAIT, type SysEvent } from './system.js';
import type { CompiledWorkload } from './workload.js';

interface Base {
  readonly id: InvariantId;
  readonly sentence: string;
}
export interface StateInvariant extends Base {
  readonly kind: 'state';
  check(v: SystemView, cw: CompiledWorkload): string | null;
}
export interface StepInvariant extends Base {
  readonly kind: 'step';
  check(before: SystemView, event: SysEvent, after: SystemView, cw: CompiledWorkload): string | null;
}
export interface FinalInvariant extends Base {
  readonly kind: 'final';
  check(v: SystemView, cw: CompiledWorkload): string | null;
}
export type Invariant = StateInvariant | StepInvariant | FinalInvariant;

const HAS_CFD = new Set(['prepared', 'online', 'dying']);

function fail(id: string, msg: string): string {
  return `${id}: ${msg}`;
}

/** The slot that moved from `from` to `to` in this step, or -1. */
function moved(b: SystemView, a: SystemView, from: string, to: string): number {
  for (let s = 0; s < a.csd.length; s++) if (b.csd[s] === from && a.csd[s] === to) return s;
  return -1;
}

/** Every caller finished its script and is back in task context. */
/** An IPI or a need-resched on `t` appeared in the step b → a (INV-KICK). */
function kickedAt(b: SystemView, a: SystemView, t: number): boolean {
  return (a.ctx.ipi[t] === true && b.ctx.ipi[t] !== true) || (a.ctx.needResched[t] === true && b.ctx.needResched[t] !== true);
}

export function callersDone(v: SystemView, cw: CompiledWorkload): boolean {
  for (let c = 0; c < cw.n; c++) {
    if ((v.ctx.pc[c] ?? 0) < (cw.scripts[c] ?? []).length || v.ctx.phase[c] !== PHASE_READY) return false;
  }
  return true;
}

export const INVARIANTS: readonly Invariant[] = [
  {
    id: 'INV-NO-LOST-CALL', kind: 'final',
    sentence: 'every request that returned 0 has its func run exactly once, eventually (given fair scheduling and IPI delivery)',
    check(v, cw) {
      for (const r of cw.requests) {
        if (v.ctx.ret[r.id] !== 0) continue;
        for (const s of r.slots) {
          if (v.csd[s] === 'skipped') continue;
          if ((v.ctx.ran[s] ?? 0) !== 1) return fail(this.id, `cpu${r.cpu} ${r.text} returned 0 but its func ran ${v.ctx.ran[s] ?? 0} times on cpu${v.ctx.target[s] ?? -1} (CSD ${v.csd[s] ?? '?'})`);
        }
        if (r.runLocal && (r.mask & (1 << r.cpu)) !== 0 && (r.cond & (1 << r.cpu)) !== 0 && v.ctx.localRan[r.id] !== 1) {
          return fail(this.id, `cpu${r.cpu} ${r.text} returned 0 but its local func did not run`);
        }
      }
      return null;
    },
  },
  {
    id: 'INV-NO-DOUBLE-RUN', kind: 'state', sentence: 'no request runs its `func` twice',
    check(v, cw) {
      for (const s of cw.slots) if ((v.ctx.ran[s.id] ?? 0) > 1) return fail(this.id, `CSD use r${s.req}→cpu${v.ctx.target[s.id] ?? -1} ran ${v.ctx.ran[s.id] ?? 0} times`);
      for (const r of cw.requests) if ((v.ctx.localRan[r.id] ?? 0) > 1) return fail(this.id, `cpu${r.cpu} ${r.text} ran locally twice`);
      return null;
    },
  },
  {
    id: 'INV-RUN-ON-TARGET', kind: 'state', sentence: '`func` runs on the target CPU (or locally for a self-call / run_local)',
    check(v, cw) {
      for (const s of cw.slots) {
        const on = v.ctx.ranOn[s.id] ?? -1;
        if (on < 0) continue;
        const r = cw.requests[s.req];
        if (r === undefined) continue;
        const ok = r.kind === 'any' ? on === r.cpu ? (r.mask & (1 << on)) !== 0 : (r.mask & (1 << on)) !== 0 : on === (r.many ? s.target : r.target);
        if (!ok) return fail(this.id, `cpu${r.cpu} ${r.text}: func ran on cpu${on}`);
      }
      return null;
    },
  },
  {
    id: 'INV-NOT-ON-OFFLINE', kind: 'state', sentence: 'no queued `func` runs on a CPU that is offline, except inside its own dying flush',
    check(v, cw) {
      for (let c = 0; c < cw.n; c++) {
        const s = v.ctx.running[c] ?? -1;
        if (s >= 0 && v.ctx.online[c] !== true) return fail(this.id, `cpu${c} (${v.hotplug[c] ?? '?'}) runs the func of r${cw.slots[s]?.req ?? -1} from an IPI flush`);
      }
      return null;
    },
  },
  {
    id: 'INV-ENXIO', kind: 'state', sentence: 'a request to an offline or invalid CPU returns `-ENXIO` and never runs',
    check(v, cw) {
      for (const s of cw.slots) {
        const r = cw.requests[s.req];
        if (r === undefined || r.many) continue;
        const t = v.ctx.target[s.id] ?? -1;
        if (v.ctx.ret[r.id] === ENXIO && (v.ctx.ran[s.id] ?? 0) > 0) return fail(this.id, `cpu${r.cpu} ${r.text} returned -ENXIO but its func ran`);
        const st = v.csd[s.id];
        if ((st === 'locked' || st === 'queued') && t !== r.cpu && (t < 0 || t >= cw.n || v.hotplug[t] !== 'online')) {
          return fail(this.id, `cpu${r.cpu} ${r.text} passed the online check for cpu${t} which is ${v.hotplug[t] ?? 'invalid'}`);
        }
      }
      return null;
    },
  },
  {
    id: 'INV-SYNC-AFTER-RUN', kind: 'step', sentence: 'a waiting caller returns only after its `func` returned on every target',
    check(b, e, a, cw) {
      for (const r of cw.requests) {
        if (!r.wait || b.ctx.ret[r.id] !== null || a.ctx.ret[r.id] !== 0) continue;
        for (const s of r.slots) {
          const t = a.ctx.target[s] ?? -1;
          if (t === r.cpu || t < 0 || ((a.ctx.enq[r.id] ?? 0) & (1 << t)) === 0) continue;
          if (a.csd[s] !== 'released') return fail(this.id, `cpu${r.cpu} ${r.text} returned at ${e.type} while its func on cpu${t} is ${a.csd[s] ?? '?'}`);
        }
      }
      return null;
    },
  },
  {
    id: 'INV-LOCK-RELEASED', kind: 'final',
    sentence: 'every CSD locked is unlocked once its request completed; at quiescence no lock bit is set',
    check(v, cw) {
      for (let p = 0; p < cw.csds.length; p++) {
        const o = v.ctx.lock[p] ?? 0;
        if (o !== 0) return fail(this.id, `CSD ${cw.csds[p] ?? p} still locked at quiescence (owner r${cw.slots[o - 1]?.req ?? -1}, ${v.csd[o - 1] ?? '?'})`);
      }
      return null;
    },
  },
  {
    id: 'INV-NO-REUSE-LOCKED', kind: 'step',
    sentence: 'a CSD is never re-queued while its lock bit is set (`csd_lock` waits; async gets `-EBUSY`)',
    check(b, e, a, cw) {
      for (let p = 0; p < cw.csds.length; p++) {
        const ob = b.ctx.lock[p] ?? 0;
        const oa = a.ctx.lock[p] ?? 0;
        if (ob !== 0 && oa !== 0 && ob !== oa) return fail(this.id, `CSD ${cw.csds[p] ?? p} locked by r${cw.slots[ob - 1]?.req ?? -1} was taken by r${cw.slots[oa - 1]?.req ?? -1} at cpu${e.cpu} ${e.type}`);
      }
      return null;
    },
  },
  {
    id: 'INV-IPI-OR-POLL', kind: 'state',
    sentence: 'an online CPU with a non-empty queue has an IPI pending, is handling one, or is polling',
    check(v, cw) {
      for (let c = 0; c < cw.n; c++) {
        if (v.ctx.online[c] !== true || (v.ctx.queue[c] ?? []).length === 0) continue;
        if (v.ctx.ipi[c] === true || v.ctx.inFlush[c] === true || (v.ctx.polling[c] === true && v.ctx.needResched[c] === true)) continue;
        // the producer that made it non-empty may still be inside its window (mask IPI not yet sent)
        let producing = false;
        for (let p = 0; p < cw.n; p++) if (((v.ctx.ipiMask[p] ?? 0) & (1 << c)) !== 0) producing = true;
        if (!producing) return fail(this.id, `cpu${c} has ${(v.ctx.queue[c] ?? []).length} queued entries but no IPI pending, no flush, no polling wake-up`);
      }
      return null;
    },
  },
  {
    id: 'INV-DYING-EMPTY', kind: 'state',
    sentence: "after a CPU's dying flush its queue is empty, and nothing is added until it is online again",
    check(v, cw) {
      for (let c = 0; c < cw.n; c++) {
        if (v.hotplug[c] === 'online') continue;
        const q = (v.ctx.queue[c] ?? []).length + (v.ctx.batch[c] ?? []).length;
        if (q > 0) return fail(this.id, `cpu${c} is ${v.hotplug[c] ?? '?'} with ${q} entries on its call_single_queue`);
      }
      return null;
    },
  },
  {
    id: 'INV-NO-LEAK', kind: 'state',
    sentence: "a CPU's `cfd` is allocated exactly while it is prepared, online or dying; after dead, nothing of it remains",
    check(v, cw) {
      for (let c = 0; c < cw.n; c++) {
        const want = HAS_CFD.has(v.hotplug[c] ?? '');
        if ((v.ctx.cfd[c] === true) !== want) return fail(this.id, `cpu${c} is ${v.hotplug[c] ?? '?'} and its cfd is ${v.ctx.cfd[c] === true ? 'allocated' : 'not allocated'}`);
      }
      return null;
    },
  },
  {
    id: 'INV-NO-UAF', kind: 'state',
    sentence: "no flush touches a CSD of a freed `cfd`: smpcfd_dead_cpu never frees a CPU's cfd while one of its CSDs is still queued and then run",
    check(v) {
      if (v.ctx.uaf === 0) return null;
      const left = v.ctx.freedInFlight.filter((x) => x).length;
      return fail(this.id, `${v.ctx.uaf} flush(es) read and unlocked a cfd CSD after its cfd was freed${left > 0 ? ` (${left} more freed while queued)` : ''}`);
    },
  },
  {
    id: 'INV-NO-DEADLOCK', kind: 'final', sentence: 'from every reachable state some step is enabled until all requests completed',
    check(v, cw) {
      if (callersDone(v, cw)) return null;
      const stuck: string[] = [];
      for (let c = 0; c < cw.n; c++) {
        const r = cw.requests[cw.scripts[c]?.[v.ctx.pc[c] ?? 0] ?? -1];
        if (r !== undefined) stuck.push(`cpu${c} ${v.ctx.phase[c] === PHASE_WAIT ? 'waits in' : 'cannot start'} ${r.text}`);
      }
      return fail(this.id, `no step enabled: ${stuck.join('; ')}`);
    },
  },
  {
    id: 'INV-KICK', kind: 'step',
    sentence: 'a producer kicks (IPI, or need-resched on a polling target) iff its list add found the queue empty; mask-IPI targets ⊆ queues this call made non-empty',
    check(b, e, a, cw) {
      if (e.type !== 'QUEUE' && e.type !== 'SEND') return null;
      const kicked = (t: number): boolean => kickedAt(b, a, t);
      const pending = (t: number): boolean => b.ctx.ipi[t] === true || b.ctx.needResched[t] === true;
      if (e.type === 'QUEUE') {
        const single = moved(b, a, 'locked', 'queued');
        const many = moved(b, a, 'free', 'queued');
        const s = single >= 0 ? single : many;
        if (s < 0) return null;
        const t = a.ctx.target[s] ?? -1;
        const wasEmpty = (b.ctx.queue[t] ?? []).length === 0;
        if (single >= 0) {
          if (wasEmpty && !kicked(t) && !pending(t)) return fail(this.id, `cpu${e.cpu} made cpu${t}'s queue non-empty without a kick`);
          if (!wasEmpty && kicked(t)) return fail(this.id, `cpu${e.cpu} kicked cpu${t} although its queue was non-empty`);
        } else {
          const noted = ((a.ctx.ipiMask[e.cpu] ?? 0) & (1 << t)) !== 0;
          if (noted !== wasEmpty) return fail(this.id, `cpu${e.cpu} ${wasEmpty ? 'did not add' : 'added'} cpu${t} to cpumask_ipi although the queue was ${wasEmpty ? 'empty' : 'non-empty'}`);
        }
      }
      if (e.type === 'SEND') {
        const m = b.ctx.ipiMask[e.cpu] ?? 0;
        for (let t = 0; t < cw.n; t++) {
          const inM = (m & (1 << t)) !== 0;
          if (kicked(t) && !inM) return fail(this.id, `cpu${e.cpu} sent an IPI to cpu${t} whose queue it did not make non-empty`);
          if (inM && !kicked(t) && !pending(t)) return fail(this.id, `cpu${e.cpu} made cpu${t}'s queue non-empty but sent no IPI`);
        }
      }
      return null;
    },
  },
  {
    id: 'INV-ORDER', kind: 'step',
    sentence: 'per target and batch: SYNC before ASYNC/IRQ_WORK before TTWU; FIFO within a class, never assumed across classes',
    check(b, e, a, cw) {
      if (e.type !== 'FLUSH_RUN') return null;
      const s = moved(b, a, 'queued', 'running');
      if (s < 0) return null;
      const cls = (x: number): number => {
        const t = cw.slots[x]?.type;
        return t === 'SYNC' ? 0 : t === 'TTWU' ? 2 : 1;
      };
      for (const x of b.ctx.batch[e.cpu] ?? []) {
        if (x === s) break;
        if (cls(x) <= cls(s)) return fail(this.id, `cpu${e.cpu} ran ${cw.slots[s]?.type ?? '?'} r${cw.slots[s]?.req ?? -1} before ${cw.slots[x]?.type ?? '?'} r${cw.slots[x]?.req ?? -1} of the same batch`);
      }
      for (const x of b.ctx.batch[e.cpu] ?? []) {
        if (cls(x) < cls(s)) return fail(this.id, `cpu${e.cpu} ran ${cw.slots[s]?.type ?? '?'} r${cw.slots[s]?.req ?? -1} while ${cw.slots[x]?.type ?? '?'} r${cw.slots[x]?.req ?? -1} waits in the batch`);
      }
      return null;
    },
  },
  {
    id: 'INV-WAIT-SET', kind: 'step',
    sentence: 'a waiting many-call waits on exactly the CSDs it enqueued, however many IPIs it sent (B9)',
    check(b, e, a, cw) {
      for (const r of cw.requests) {
        if (!r.many || !r.wait || b.ctx.ret[r.id] !== null || a.ctx.ret[r.id] !== 0) continue;
        const enq = a.ctx.enq[r.id] ?? 0;
        if (enq !== 0 && b.ctx.phase[r.cpu] !== PHASE_WAIT) return fail(this.id, `cpu${r.cpu} ${r.text} enqueued to mask 0x${enq.toString(16)} but returned at ${e.type} without waiting`);
      }
      return null;
    },
  },
  {
    id: 'INV-ONE-OWNER', kind: 'state',
    sentence: 'a locked CSD has one owner, only it writes func/info/type, and it is on at most one queue at most once (B1, B6)',
    check(v, cw) {
      const seen = new Set<number>();
      for (let c = 0; c < cw.n; c++) {
        for (const s of [...(v.ctx.queue[c] ?? []), ...(v.ctx.batch[c] ?? [])]) {
          const p = cw.slots[s]?.csd ?? -1;
          if (seen.has(p)) return fail(this.id, `CSD ${cw.csds[p] ?? p} is queued twice`);
          seen.add(p);
        }
      }
      for (const s of cw.slots) {
        const st = v.csd[s.id];
        if ((st === 'locked' || st === 'queued') && v.ctx.lock[s.csd] !== s.id + 1) {
          return fail(this.id, `CSD ${cw.csds[s.csd] ?? s.csd} of r${s.req} is ${st} but owned by ${v.ctx.lock[s.csd] === 0 ? 'nobody' : `r${cw.slots[(v.ctx.lock[s.csd] ?? 1) - 1]?.req ?? -1}`}`);
        }
      }
      return null;
    },
  },
  {
    // finer invariant (smp-semantics.md §7.7), guards B4
    id: 'INV-UNLOCK-POINT', kind: 'step',
    sentence: 'ASYNC/IRQ_WORK/TTWU are unlocked before their func starts; SYNC only after its func returned',
    check(b, e, a, cw) {
      if (e.type !== 'FLUSH_RUN') return null;
      const s = moved(b, a, 'queued', 'running');
      const slot = cw.slots[s];
      if (slot === undefined) return null;
      const held = a.ctx.lock[slot.csd] === s + 1;
      if (slot.type === 'SYNC' && !held) return fail(this.id, `SYNC CSD of r${slot.req} unlocked before its func ran on cpu${e.cpu}`);
      if (slot.type !== 'SYNC' && held) return fail(this.id, `${slot.type} CSD of r${slot.req} still locked while its func runs on cpu${e.cpu}`);
      return null;
    },
  },
];

/** The 16 IDs of smp-protocol.md §8 (the table order). */
export const PROTOCOL_INVARIANT_IDS: readonly InvariantId[] = [
  'INV-NO-LOST-CALL', 'INV-NO-DOUBLE-RUN', 'INV-RUN-ON-TARGET', 'INV-NOT-ON-OFFLINE', 'INV-ENXIO',
  'INV-SYNC-AFTER-RUN', 'INV-LOCK-RELEASED', 'INV-NO-REUSE-LOCKED', 'INV-IPI-OR-POLL', 'INV-DYING-EMPTY',
  'INV-NO-LEAK', 'INV-NO-DEADLOCK', 'INV-KICK', 'INV-ORDER', 'INV-WAIT-SET', 'INV-ONE-OWNER',
];

export function invariantById(id: string): Invariant | undefined {
  return INVARIANTS.find((i) => i.id === id);
}
