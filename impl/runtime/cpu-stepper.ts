/**
 * The resumable core of the deterministic runtime: every CPU is a stack of protocol generators,
 * actor i < n runs one step of CPU i, actor n + i delivers CPU i's pending IPI. `enabled` and
 * `step` are all a scheduler (the deterministic runtime's, or fast-check's in the property tests)
 * needs; the schedule log makes any run replayable. Written once, used by both drivers.
 */
import {
  C_DOORBELL, CPU_WORDS, C_IDLE, C_IPIS, C_IRQS_OFF, C_MB_HEAD, C_MB_TAIL, C_STATE, C_WAKE, CSD_FLAG_LOCK, F_DST, F_FLAGS,
  F_FUNC, F_SRC, H_GATE, H_HP_LOCK, H_SM_ARRIVED, H_SM_PHASE, HP_ONLINE, HP_NAMES,
} from '../layout.js';
import { atomicsAccess, type Access } from '../access.js';
import { cpuLoop } from '../cpu-loop.js';
import { ipiHandler } from '../flush.js';
import { kernelTable, type ImplVariant } from '../variant.js';
import { funcName } from '../functions.js';
import { STEP, type Ctx, type Proto } from '../memory.js';
import { makeCtx, type SharedMem } from '../system.js';
import type { ReadFrom } from '../memory-models/lkmm.js';
import { runtimeMemory, type MemoryModel, type RuntimeMemory } from '../memory-models/runtime-memory.js';
import { encodeSchedule, NO_VARIANT } from './schedule.js';
import { watchdogStep } from '../watchdog.js';

interface CpuState {
  readonly ctx: Ctx;
  readonly frames: Proto[];
  blocked: boolean;
  waitIdx: number;
  waitVal: number;
}

export interface StuckCpu {
  readonly cpu: number;
  readonly waitsOn: string;
}

export const STALE_CAP = 10_000;

/** The hardware interrupt frame: run the handler, then unmask. */
function* irqFrame(c: Ctx): Proto {
  yield* ipiHandler(c);
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), 0);
}

/** A load that read a store older than the newest one to its word (lkmm), at `step`. */
export interface StaleRead extends ReadFrom {
  readonly step: number;
}

export class CpuStepper {
  readonly n: number;
  private readonly cpus: CpuState[] = [];
  private steps = 0;
  /** actors and, right after the actor whose step asked, memory choices: the schedule string */
  private log = new Uint8Array(1 << 12);
  private logLen = 0;
  /** The memory model's core (null under sc: `c.a` is Atomics). */
  private readonly weak: RuntimeMemory | null;
  /** Where memory decisions come from (the driver's scheduler); 0 = the SC-like default. */
  chooser: (n: number) => number = () => 0;
  /** Stale reads so far (lkmm; at most STALE_CAP kept), for the timeline. */
  readonly staleReads: StaleRead[] = [];

  /** The variant id the schedule records (`smp.c` for the protocol itself). */
  readonly variantId: string;
  readonly memory: MemoryModel;

  /** `wrapAccess`: wraps each CPU's accessors (tests record the accesses through it). */
  constructor(readonly mem: SharedMem, variant?: ImplVariant, memory: MemoryModel = 'sc', wrapAccess?: (cpu: number, a: Access) => Access) {
    this.n = mem.L.ncpus;
    this.variantId = variant?.id ?? NO_VARIANT;
    this.memory = memory;
    this.weak = runtimeMemory(memory, mem.m, this.n, (n) => {
      const k = this.chooser(n);
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`memory choice ${k} out of range for ${n} options`);
      this.record(k);
      return k;
    });
    this.weak?.onRead((cpu, i, ts, v, newestTs, newestV) => {
      if (this.staleReads.length < STALE_CAP) this.staleReads.push({ cpu, i, ts, v, newestTs, newestV, step: this.steps });
    });
    const k = kernelTable(variant?.impl);
    const hooks = {
      now: () => this.steps / 1e6,
      nowMs: () => this.steps / 1e3,
      report: () => { /* lock-wait debug is a threads-runtime feature: here a stuck wait is a deadlock */ },
    };
    for (let i = 0; i < this.n; i++) {
      const a = this.weak?.access(i);
      const ctx = makeCtx(mem, i, hooks, k, wrapAccess === undefined ? a : wrapAccess(i, a ?? atomicsAccess(mem.m)));
      this.cpus.push({ ctx, frames: [cpuLoop(ctx)], blocked: false, waitIdx: 0, waitVal: 0 });
    }
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Fills `out` with the enabled actors, ascending (reused array: this runs once per step). */
  enabledInto(out: number[]): number[] {
    out.length = 0;
    // Plain reads: this runtime is single-threaded, so its own polling needs no Atomics.
    const m = this.mem.m;
    const weak = this.weak;
    for (let i = 0; i < this.n; i++) {
      const cs = this.cpus[i];
      if (cs === undefined) continue;
      if (cs.blocked && (weak === null ? m[cs.waitIdx] !== cs.waitVal : weak.canReadOther(i, cs.waitIdx, cs.waitVal))) {
        cs.blocked = false;
        if (weak !== null && cs.waitIdx === this.mem.L.cpu(i, C_WAKE)) weak.wake(i);
      }
      if (!cs.blocked && cs.frames.length > 0) out.push(i);
    }
    this.ipisInto(out);
    // Nothing can run while stores are still buffered: one reaches memory (a chosen one), again.
    while (out.length === 0 && weak !== null && weak.hasPending()) {
      weak.drainOne();
      return this.enabledInto(out);
    }
    return out;
  }

  private ipisInto(out: number[]): void {
    const m = this.mem.m;
    const base = this.mem.L.cpu(0, 0);
    for (let i = 0; i < this.n; i++) {
      const b = base + i * CPU_WORDS;
      if (m[b + C_DOORBELL] !== 0 && m[b + C_IRQS_OFF] === 0 && m[b + C_STATE] === HP_ONLINE) out.push(this.n + i);
    }
  }

  enabled(): number[] {
    return this.enabledInto([]);
  }

  /** Runs one actor (which must be enabled) and logs it in the schedule. */
  step(actor: number): void {
    this.record(actor);
    this.steps++;
    if (actor < this.n) this.stepCpu(actor);
    else this.deliverIpi(actor - this.n);
  }

  private record(b: number): void {
    if (this.logLen >= this.log.length) {
      const bigger = new Uint8Array(this.log.length * 2);
      bigger.set(this.log);
      this.log = bigger;
    }
    this.log[this.logLen++] = b;
  }

  /** The schedule so far (`smp2:<cpus>:<variant>:<steps>`, `smp3:…:<memory>:…` under tso/lkmm). */
  schedule(): string {
    return encodeSchedule(this.n, this.variantId, this.log, this.logLen, this.memory);
  }

  /** At quiescence: CPUs that cannot go on although work remains (INV-NO-DEADLOCK). */
  stuckCpus(): StuckCpu[] {
    const m = this.mem.m;
    const L = this.mem.L;
    const out: StuckCpu[] = [];
    for (let i = 0; i < this.n; i++) {
      const cs = this.cpus[i];
      if (cs === undefined || cs.frames.length === 0) continue;
      const st = Atomics.load(m, L.cpu(i, C_STATE));
      const pending = Atomics.load(m, L.cpu(i, C_MB_TAIL)) - Atomics.load(m, L.cpu(i, C_MB_HEAD));
      const idle = cs.waitIdx === L.cpu(i, C_WAKE) && Atomics.load(m, L.cpu(i, C_IDLE)) === 1 && cs.frames.length === 1;
      const offline = cs.waitIdx === L.cpu(i, C_STATE) && st !== HP_ONLINE;
      if (idle && pending === 0) continue;
      if (offline) {
        if (pending > 0) out.push({ cpu: i, waitsOn: `is ${HP_NAMES[st] ?? st} with ${pending} command(s) in its mailbox` });
        continue;
      }
      out.push({ cpu: i, waitsOn: this.describeWait(cs.waitIdx) });
    }
    return out;
  }

  private stepCpu(cpu: number): void {
    const cs = this.cpus[cpu];
    const g = cs?.frames[cs.frames.length - 1];
    if (cs === undefined || g === undefined) return;
    const r = g.next();
    if (r.done === true) {
      cs.frames.pop();
      return;
    }
    if (r.value === STEP) {
      watchdogStep(cs.ctx); // livelock: thrown at the CPU's next access, naming the kernel function
    } else {
      cs.ctx.stepsWithoutWait = 0;
      cs.blocked = true;
      cs.waitIdx = cs.ctx.waitIdx;
      cs.waitVal = cs.ctx.waitVal;
    }
  }

  private deliverIpi(cpu: number): void {
    const m = this.mem.m;
    const L = this.mem.L;
    const cs = this.cpus[cpu];
    if (cs === undefined) return;
    // Entering the interrupt masks interrupts and acks the doorbell, in one event.
    Atomics.store(m, L.cpu(cpu, C_IRQS_OFF), 1);
    Atomics.store(m, L.cpu(cpu, C_DOORBELL), 0);
    Atomics.add(m, L.cpu(cpu, C_IPIS), 1);
    cs.frames.push(irqFrame(cs.ctx));
    cs.blocked = false;
    this.weak?.wake(cpu);
  }

  private describeWait(idx: number): string {
    const m = this.mem.m;
    const L = this.mem.L;
    if (idx >= L.csd0 && idx < L.csd0 + L.csdCount * 8) {
      const csd = Math.floor((idx - L.csd0) / 8);
      const f = Atomics.load(m, L.csd(csd, F_FLAGS));
      return `csd_lock_wait on csd ${csd} (csd=${L.csdAddress(csd).toString(16).padStart(16, '0')}, ${funcName(Atomics.load(m, L.csd(csd, F_FUNC)))}, cpu${Atomics.load(m, L.csd(csd, F_SRC))} -> cpu${Atomics.load(m, L.csd(csd, F_DST))}, lock bit ${(f & CSD_FLAG_LOCK) !== 0 ? 'set' : 'clear'})`;
    }
    if (idx === H_SM_PHASE || idx === H_SM_ARRIVED) return 'stop_machine barrier';
    if (idx === H_HP_LOCK) return 'cpu_hotplug_lock';
    if (idx === H_GATE) return 'fn_stall gate (host never opened it)';
    for (let i = 0; i < L.ncpus; i++) {
      if (idx === L.cpu(i, C_WAKE)) return `halted in idle (cpu${i} wake word)`;
      if (idx === L.cpu(i, C_STATE)) return `hotplug state of cpu${i}`;
    }
    return `word ${idx}`;
  }
}
