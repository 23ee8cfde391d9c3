/**
 * The implementation's side of the abstract state (model/abstract-state.ts): read from shared
 * memory (the words impl/layout.ts documents) after a step, with two pieces of history the memory
 * does not keep — whether a locked CSD has been on a queue since it was locked, so that an entry a
 * flush took with llist_del_all still counts as `queued` (the model's batch) and its CPU as in
 * `flush`; and whether the CSD a CPU runs was SYNC (csd_unlock resets the type).
 *
 * Per CPU: hotplug state C_STATE; irqs C_IRQS_OFF; IPI C_DOORBELL; queue shape from walking
 * C_QUEUE → F_NEXT (class from F_FLAGS' CSD_TYPE); idle mode: `flush` if C_CUR_CSD names a use still in
 * flight or a taken-but-not-run entry targets the CPU, else `down` if not online, `stop_machine` if
 * C_SM_PARKED, `running` if an smp call posted to this CPU has not returned (R_STATUS posted or
 * started: the model's "script not done or caller waiting"), `polling` if TIF_POLLING, else
 * `halted`. The idle loop's own steps and the hotplug controller's work (cpu_down/cpu_up commands)
 * count as `halted`: the model has no steps for them.
 * Per CSD with the lock bit set or being run (C_CUR_CSD): `running` if a CPU runs it (an
 * unlock-before entry only once unlocked: the model unlocks and starts it in one step; if its owner
 * has locked it again meanwhile, that new use is a second request; a SYNC entry only until its
 * unlock: the model's FLUSH_DONE unlocks it and ends the use, C_CUR_CSD still naming it for one
 * more step is not the model's, so from the unlock on the CPU is in `flush` only if entries of
 * its batch remain), `queued` if on a queue or
 * taken, else `locked`; target relation from F_DST's C_STATE (for a running entry: the CPU running it).
 */
import {
  C_CUR_CSD, C_DOORBELL, C_IRQS_OFF, C_QUEUE, C_SM_PARKED, C_STATE, C_TIF, CSD_FLAG_LOCK, CSD_TYPE_MASK,
  CSD_TYPE_SYNC, F_DST, F_FLAGS, F_NEXT, H_REQ_NEXT, HP_NAMES, HP_ONLINE, NULL, R_ISSUER, R_KIND, R_STATUS, RS_POSTED,
  RS_STARTED, TIF_POLLING, type Layout, type Shared,
} from '../impl/layout.js';
import { K_ON_EACH_CPU_COND_MASK, K_SINGLE } from '../impl/requests.js';
import {
  abstractKey, queueShape, targetRelation, type AbstractCpu, type AbstractRequest, type AbstractState, type CsdClass,
  type IdleMode, type InFlightState, type TargetRelation,
} from '../model/abstract-state.js';
import type { HotplugState } from '../model/hotplug-chart.js';

export class ImplAbstraction {
  private readonly seenQueued: Uint8Array;
  private readonly onQueue: Int32Array;
  private readonly runningOn: Int32Array;
  /** the CSD a CPU runs was seen unlocked during the run (an unlock-before entry past its unlock) */
  private readonly ranUnlocked: Uint8Array;
  /** the CSD a CPU runs was SYNC while locked (csd_unlock resets the type: after it, the use is over) */
  private readonly ranSync: Uint8Array;

  /**
   * `cpus`: the CPUs the abstraction is of (default all). The guided pass runs hotplug paths with
   * one CPU more that only runs the hotplug control (properties/guided.ts); it is left out here.
   */
  constructor(
    readonly m: Shared,
    readonly L: Layout,
    readonly cpus: number = L.ncpus,
  ) {
    this.seenQueued = new Uint8Array(L.csdCount);
    this.onQueue = new Int32Array(L.csdCount);
    this.runningOn = new Int32Array(L.csdCount);
    this.ranUnlocked = new Uint8Array(L.csdCount);
    this.ranSync = new Uint8Array(L.csdCount);
  }

  private hp(cpu: number): HotplugState {
    return (HP_NAMES[this.m[this.L.cpu(cpu, C_STATE)] ?? 0] ?? 'offline');
  }

  private cls(csd: number): CsdClass {
    return ((this.m[this.L.csd(csd, F_FLAGS)] ?? 0) & CSD_TYPE_MASK) === CSD_TYPE_SYNC ? 'S' : 'A';
  }

  /** The abstract state now (call after every step: it updates the queued-since-locked history). */
  current(): AbstractState {
    const { m, L } = this;
    const n = this.cpus;
    this.onQueue.fill(-1);
    this.runningOn.fill(-1);
    const shapes: CsdClass[][] = [];
    for (let c = 0; c < n; c++) {
      const classes: CsdClass[] = [];
      // bounded walk: a list cycle (double queueing, B6) must not hang the observer
      for (let x = m[L.cpu(c, C_QUEUE)] ?? NULL, k = 0; x !== NULL && x >= 0 && x < L.csdCount && k < L.csdCount; x = m[L.csd(x, F_NEXT)] ?? NULL, k++) {
        classes.push(this.cls(x));
        this.onQueue[x] = c;
        this.seenQueued[x] = 1;
      }
      shapes.push(classes);
      const cur = m[L.cpu(c, C_CUR_CSD)] ?? NULL;
      if (cur >= 0 && cur < L.csdCount) this.runningOn[cur] = c;
    }
    const taken = new Array<boolean>(n).fill(false);
    const requests: AbstractRequest[] = [];
    for (let x = 0; x < L.csdCount; x++) {
      const locked = ((m[L.csd(x, F_FLAGS)] ?? 0) & CSD_FLAG_LOCK) !== 0;
      const run = this.runningOn[x] ?? -1;
      if (!locked) this.seenQueued[x] = 0;
      if (run < 0) {
        this.ranUnlocked[x] = 0;
        this.ranSync[x] = 0;
      } else if (this.ranSync[x] === 2 || (this.ranSync[x] === 1 && !locked)) {
        // a SYNC entry unlocked after its function: the model's FLUSH_DONE (unlock and leave); that
        // the CPU's C_CUR_CSD is not yet cleared is no state of the use any more (and if the owner
        // locked the CSD again meanwhile, that is a new use, classified below like any other)
        this.ranSync[x] = 2;
        this.runningOn[x] = -1;
      } else if (locked) {
        if (this.cls(x) === 'S') this.ranSync[x] = 1;
      } else this.ranUnlocked[x] = 1;
      const run2 = this.runningOn[x] ?? -1;
      const rel = (cpu: number): TargetRelation => (cpu >= 0 && cpu < n ? targetRelation(this.hp(cpu)) : 'offline');
      const dst = m[L.csd(x, F_DST)] ?? NULL;
      if (run2 >= 0 && this.ranUnlocked[x] === 1) {
        // an unlock-before entry runs; its CSD may already be locked again by its owner (a new use)
        requests.push({ state: 'running', cls: 'A', target: rel(run) });
      } else if (run2 >= 0) {
        // SYNC: running, still locked; unlock-before: the model unlocks and starts it in one step,
        // so until the unlock the entry is still the batch's
        if (this.cls(x) === 'S') requests.push({ state: 'running', cls: 'S', target: rel(run) });
        else {
          requests.push({ state: 'queued', cls: 'A', target: rel(run) });
          taken[run] = true;
        }
        continue;
      }
      if (!locked) continue;
      let state: InFlightState;
      if ((this.onQueue[x] ?? -1) >= 0) state = 'queued';
      else if (this.seenQueued[x] === 1) {
        state = 'queued';
        if (dst >= 0 && dst < n) taken[dst] = true;
      } else state = 'locked';
      requests.push({ state, cls: this.cls(x), target: rel(dst) });
    }
    const busy = new Array<boolean>(n).fill(false);
    for (let id = 0, top = Math.min(m[H_REQ_NEXT] ?? 0, L.reqCap); id < top; id++) {
      const st = m[L.req(id, R_STATUS)];
      const kind = m[L.req(id, R_KIND)] ?? 0;
      if ((st === RS_POSTED || st === RS_STARTED) && kind >= K_SINGLE && kind <= K_ON_EACH_CPU_COND_MASK) {
        const issuer = m[L.req(id, R_ISSUER)] ?? 0;
        if (issuer < n) busy[issuer] = true;
      }
    }
    const cpus: AbstractCpu[] = [];
    for (let c = 0; c < n; c++) {
      const hotplug = this.hp(c);
      const cur = m[L.cpu(c, C_CUR_CSD)] ?? NULL;
      const inFlush = (cur !== NULL && (cur < 0 || cur >= L.csdCount || this.runningOn[cur] === c)) || taken[c] === true;
      const idle: IdleMode = inFlush ? 'flush'
        : m[L.cpu(c, C_STATE)] !== HP_ONLINE ? 'down'
          : m[L.cpu(c, C_SM_PARKED)] !== 0 ? 'stop_machine'
            : busy[c] === true ? 'running'
              : ((m[L.cpu(c, C_TIF)] ?? 0) & TIF_POLLING) !== 0 ? 'polling' : 'halted';
      cpus.push({
        hotplug, irqsOff: m[L.cpu(c, C_IRQS_OFF)] !== 0, idle, ipi: m[L.cpu(c, C_DOORBELL)] !== 0,
        queue: queueShape(shapes[c] ?? []),
      });
    }
    return { cpus, requests };
  }

  key(): string {
    return abstractKey(this.current());
  }
}
