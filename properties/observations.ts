/**
 * What the property suite records about an implementation run, step by step, from shared memory
 * only (no hooks inside impl/): empty→non-empty queue edges per producer (INV-KICK), the batches
 * each flush took with llist_del_all (INV-ORDER), returns of waiting calls (INV-SYNC-AFTER-RUN,
 * INV-WAIT-SET) and queues of CPUs that are not online (INV-DYING-EMPTY).
 */
import {
  H_SYNC_EARLY,
  C_QUEUE, C_STATE, CSD_TYPE_MASK, CSD_TYPE_SYNC, F_FLAGS, F_INFO, F_NEXT, HP_DEAD, HP_NAMES, HP_OFFLINE, HP_ONLINE, HP_PREPARED, NULL,
  R_RAN, R_RC, R_STATUS, RS_RETURNED, CSD_FLAG_LOCK, H_TRACE_HEAD, T_B, T_CPU, T_TYPE,
} from '../impl/layout.js';
import { EV_CSD_FUNCTION_ENTRY } from '../impl/trace-ring.js';
import type { SmpRequest } from '../impl/requests.js';
import { cpuList, expectedRuns } from './expected-runs.js';
import type { SteppedSystem } from './stepped-system.js';
import type { InvariantId } from '../model/types.js';

/** One call the test posted, with what the test knew when it posted it. */
export interface PostedCall {
  readonly id: number;
  readonly cpu: number;
  readonly text: string;
  readonly kind: string;
  readonly wait: boolean;
  /** single-target calls: the target; -1 for mask calls */
  readonly target: number;
  /** epoch (quiescence count) in which it was posted */
  readonly epoch: number;
  /** target invalid, or offline when posted (single-target calls only) */
  readonly targetOffline: boolean;
  /** the request as the caller made it: what must and may run is derived from it (expected-runs.ts) */
  readonly req: SmpRequest;
  /** CPUs online when it was posted (bit c = cpu c) */
  readonly onlineAtPost: number;
}

export interface Batch {
  readonly cpu: number;
  readonly step: number;
  /** CSD indices in add order, and whether each was SYNC when taken */
  readonly csds: readonly number[];
  readonly sync: readonly boolean[];
  /** each entry's class, from the request as made (classOf), SYNC iff `sync` */
  readonly cls?: readonly EntryClass[];
}

/** The flush class of an entry (spec: SYNC, then ASYNC and IRQ_WORK in one FIFO pass, then TTWU). */
export type EntryClass = 'SYNC' | 'ASYNC' | 'IRQ_WORK' | 'TTWU';

export interface Violation {
  readonly id: InvariantId;
  readonly message: string;
  readonly step: number;
}

export class Observations {
  /** producer*n + target → empty→non-empty edges made by that producer */
  readonly edges: number[];
  readonly batches: Batch[] = [];
  readonly calls: PostedCall[] = [];
  readonly violations: Violation[] = [];
  private readonly heads: number[];
  /** CSD → was its entry SYNC when its flush took it (from the call that made it: isSync) */
  private readonly takenSync = new Map<number, boolean>();
  private traceSeen = 0;
  /** H_SYNC_EARLY as last seen: a waiting caller whose own view missed its func's effects bumps it */
  private syncEarlySeen = 0;
  private readonly inFlight = new Set<number>();
  private readonly byId = new Map<number, PostedCall>();
  private readonly n: number;

  /** `touched(epoch)`: the CPUs with a hotplug command in that epoch (bit c = cpu c) */
  constructor(private readonly sys: SteppedSystem, private readonly touched: (epoch: number) => number = () => 0) {
    this.n = sys.n;
    this.edges = new Array<number>(this.n * this.n).fill(0);
    this.heads = new Array<number>(this.n).fill(NULL);
    sys.observe((actor, step) => {
      this.afterStep(actor, step);
    });
  }

  violate(id: InvariantId, message: string, step = this.sys.stepCount): void {
    if (this.violations.some((v) => v.id === id)) return; // first one per ID is the story
    this.violations.push({ id, message: `${id}: ${message}`, step });
  }

  track(call: PostedCall): void {
    this.calls.push(call);
    this.byId.set(call.id, call);
    this.inFlight.add(call.id);
  }

  private afterStep(actor: number, step: number): void {
    const { m, L } = this.sys.mem;
    for (let t = 0; t < this.n; t++) {
      const h = m[L.cpu(t, C_QUEUE)] ?? NULL;
      const before = this.heads[t] ?? NULL;
      if (h === before) continue;
      this.heads[t] = h;
      if (before === NULL && actor < this.n) this.edges[actor * this.n + t] = (this.edges[actor * this.n + t] ?? 0) + 1;
      // a producer's llist_add: it passed the online check in the same preemption-off window, and
      // stop_machine keeps the target online until the window closes
      if (h !== NULL && actor < this.n && actor !== t) {
        const st = m[L.cpu(t, C_STATE)] ?? -1;
        if (st !== HP_ONLINE) this.violate('INV-ENXIO', `cpu${actor} queued to cpu${t} while it is ${HP_NAMES[st] ?? st} (passed the online check for a CPU that is not online; step ${step})`, step);
      }
      // llist_del_all by the owner: the detached list is still linked through F_NEXT right now
      if (h === NULL && actor === t) {
        const b = this.walk(t, before, step);
        this.batches.push(b);
        b.csds.forEach((x, i) => this.takenSync.set(x, b.sync[i] === true));
      }
    }
    this.checkUnlockPoints(step);
    for (let t = 0; t < this.n; t++) {
      const st = m[L.cpu(t, C_STATE)] ?? -1;
      if ((st === HP_DEAD || st === HP_OFFLINE || st === HP_PREPARED) && (this.heads[t] ?? NULL) !== NULL) {
        this.violate('INV-DYING-EMPTY', `cpu${t} is ${HP_NAMES[st]} with entries on its call_single_queue (step ${step})`, step);
      }
    }
    for (const id of this.inFlight) {
      if (m[L.req(id, R_STATUS)] !== RS_RETURNED) continue;
      this.inFlight.delete(id);
      this.onReturn(id, step);
    }
  }

  /**
   * INV-UNLOCK-POINT (smp-semantics.md §7.7, B4): at each csd_function_entry of a queued CSD, a SYNC
   * CSD is still locked (the waiter must not return yet) and an ASYNC one is already unlocked (the
   * function may resubmit it). The entry tracepoint and the unlock before it share one step.
   */
  private checkUnlockPoints(step: number): void {
    const { m, L } = this.sys.mem;
    const head = m[H_TRACE_HEAD] ?? 0;
    for (let s = Math.max(this.traceSeen, head - L.traceCap); s < head; s++) {
      if (((m[L.trace(s, T_TYPE)] ?? 0) & 0xff) !== EV_CSD_FUNCTION_ENTRY) continue;
      const csd = m[L.trace(s, T_B)] ?? NULL;
      const sync = this.takenSync.get(csd);
      if (csd === NULL || sync === undefined) continue;
      const locked = ((m[L.csd(csd, F_FLAGS)] ?? 0) & CSD_FLAG_LOCK) !== 0;
      const cpu = m[L.trace(s, T_CPU)] ?? -1;
      if (sync && !locked) this.violate('INV-UNLOCK-POINT', `SYNC csd #${csd} was unlocked before its func started on cpu${cpu} (step ${step})`, step);
      if (!sync && locked) this.violate('INV-UNLOCK-POINT', `${this.sys.mem.L.isIrqWork(csd) ? `IRQ_WORK #${csd} is still pending` : this.sys.mem.L.isTask(csd) ? `TTWU task #${csd} is still TASK_WAKING` : `ASYNC csd #${csd} is still locked`} while its func runs on cpu${cpu} (step ${step})`, step);
    }
    this.traceSeen = head;
  }

  private walk(cpu: number, head: number, step: number): Batch {
    const { m, L } = this.sys.mem;
    const csds: number[] = [];
    for (let x = head; x !== NULL && csds.length <= L.csdCount; x = m[L.csd(x, F_NEXT)] ?? NULL) csds.push(x);
    csds.reverse();
    const cls = csds.map((x) => this.classOf(x));
    return { cpu, step, csds, sync: cls.map((k) => k === 'SYNC'), cls };
  }

  /**
   * An entry's class from what the caller queued: an irq_work's node (a slot the layout reserves
   * for irq_works) is IRQ_WORK, a task's wake_entry TTWU, whatever their flags say; any other node
   * is SYNC or ASYNC by isSync.
   */
  classOf(x: number): EntryClass {
    if (this.sys.mem.L.isIrqWork(x)) return 'IRQ_WORK';
    if (this.sys.mem.L.isTask(x)) return 'TTWU';
    return this.isSync(x) ? 'SYNC' : 'ASYNC';
  }

  /**
   * An entry's class from the call that made it, as its caller made it: SYNC iff that call waits
   * (its CSD carries the request as info, the argument the function gets). Not from the CSD's
   * type bits as the flush finds them: a bug that drops CSD_TYPE_SYNC would make the flush and
   * such an oracle agree (issue 15). An irq_work is never SYNC (its node says what it is). Entries
   * no posted call made (none today) keep their type bits.
   */
  private isSync(x: number): boolean {
    const { m, L } = this.sys.mem;
    if (L.isIrqWork(x) || L.isTask(x)) return false;
    const call = this.byId.get(m[L.csd(x, F_INFO)] ?? -1);
    if (call !== undefined) return call.wait;
    return ((m[L.csd(x, F_FLAGS)] ?? 0) & CSD_TYPE_MASK) === CSD_TYPE_SYNC;
  }

  /** A waiting caller returned 0: every CPU it queued to must already have run its func. */
  private onReturn(id: number, step: number): void {
    const { m, L } = this.sys.mem;
    const call = this.calls.find((c) => c.id === id);
    if (call === undefined || !call.wait || (m[L.req(id, R_RC)] ?? 0) !== 0) return;
    // what must have run, from the request as the caller made it (never from R_EXPECTED, which
    // the implementation writes as it queues: a call that skips a target skips it there too)
    const expected = expectedRuns(call.req, call.cpu, this.n, call.onlineAtPost, this.touched(call.epoch)).must;
    const ran = m[L.req(id, R_RAN)] ?? 0;
    const missing = expected & ~ran;
    const early = m[H_SYNC_EARLY] ?? 0;
    if (missing === 0 && early > this.syncEarlySeen) {
      // every func ran, but the caller's loads (weak memory) did not see their effects
      this.syncEarlySeen = early;
      const stale = `cpu${call.cpu} ${call.text} (request ${id}) returned 0 at step ${step} but its own READ_ONCE of the func's effect (R_EFFECT) read a stale value: the unlock/wait did not order the func's stores before the return`;
      this.violate('INV-SYNC-AFTER-RUN', stale, step);
      return;
    }
    if (missing === 0) return;
    const what = `cpu${call.cpu} ${call.text} (request ${id}) returned 0 at step ${step} before its func ran on cpu ${cpuList(missing)} (the request targets cpu ${cpuList(expected)})`;
    this.violate('INV-SYNC-AFTER-RUN', what, step);
    // a many-call that returns early did not wait on a CSD it enqueued (B9)
    if (call.target < 0) this.violate('INV-WAIT-SET', what, step);
  }
}
