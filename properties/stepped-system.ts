/**
 * A resumable, step-by-step driver over the implementation's protocol generators (impl/).
 *
 * Why an adapter: `impl/runtime/deterministic.ts` runs a system exactly once, to quiescence. Model-
 * based tests need to interleave host actions (post a call, deliver one IPI, run k steps chosen by
 * fast-check) with protocol steps, and to look at shared memory after every step. This driver uses
 * the same pieces as the deterministic runtime (cpuLoop, the IPI handler frame, WAIT on a word) with
 * the same actor numbering (0..n-1 run a CPU, n..2n-1 deliver its pending IPI), so a recorded
 * schedule means the same thing in both. The impl layer should export a resumable `step(actor)` API;
 * then this file shrinks to a wrapper.
 */
import { cpuLoop } from '../impl/cpu-loop.js';
import { ipiHandler } from '../impl/flush.js';
import {
  C_DOORBELL, C_IDLE, C_IPIS, C_IRQS_OFF, C_MB_HEAD, C_MB_TAIL, C_STATE, C_WAKE, CPU_WORDS, H_FAULTS, HP_NAMES, HP_ONLINE,
} from '../impl/layout.js';
import { STEP, type Ctx, type Proto } from '../impl/memory.js';
import { postRequest, type SmpRequest } from '../impl/requests.js';
import { createSharedMem, makeCtx, type SharedMem, type SmpConfig } from '../impl/system.js';
import { encodeSchedule } from '../impl/runtime/schedule.js';

interface CpuFrames {
  readonly ctx: Ctx;
  readonly frames: Proto[];
  blocked: boolean;
  waitIdx: number;
  waitVal: number;
}

/** Called after every step with the actor that ran; observers read shared memory here. */
export type StepObserver = (actor: number, step: number) => void;

export interface StuckCpu {
  readonly cpu: number;
  readonly waitsOn: string;
}

/** The hardware interrupt frame, as in the deterministic runtime: run the handler, then unmask. */
function* irqFrame(c: Ctx): Proto {
  yield* ipiHandler(c);
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), 0);
}

export class SteppedSystem {
  readonly mem: SharedMem;
  readonly n: number;
  private readonly cpus: CpuFrames[] = [];
  private steps = 0;
  private log = new Uint8Array(1 << 12);
  private readonly observers: StepObserver[] = [];

  constructor(cfg: SmpConfig) {
    this.mem = createSharedMem({ ...cfg, pollSpins: cfg.pollSpins ?? 2 });
    this.n = this.mem.L.ncpus;
    const hooks = {
      now: () => this.steps / 1e6,
      nowMs: () => this.steps / 1e3,
      report: () => { /* lock-wait debug is a threads-runtime feature: here a stuck wait is a deadlock */ },
    };
    for (let i = 0; i < this.n; i++) {
      const ctx = makeCtx(this.mem, i, hooks);
      this.cpus.push({ ctx, frames: [cpuLoop(ctx)], blocked: false, waitIdx: 0, waitVal: 0 });
    }
  }

  get stepCount(): number {
    return this.steps;
  }

  observe(o: StepObserver): void {
    this.observers.push(o);
  }

  /** Host action (not a scheduling point): post a call to `cpu`'s mailbox. */
  post(cpu: number, req: SmpRequest): number {
    return postRequest(this.mem.m, this.mem.L, cpu, req);
  }

  /** Enabled actors, ascending: runnable CPUs, then CPUs whose pending IPI can be delivered. */
  enabled(): number[] {
    const m = this.mem.m;
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const cs = this.cpus[i];
      if (cs === undefined) continue;
      if (cs.blocked && m[cs.waitIdx] !== cs.waitVal) cs.blocked = false;
      if (!cs.blocked && cs.frames.length > 0) out.push(i);
    }
    const base = this.mem.L.cpu(0, 0);
    for (let i = 0; i < this.n; i++) {
      const b = base + i * CPU_WORDS;
      if (m[b + C_DOORBELL] !== 0 && m[b + C_IRQS_OFF] === 0 && m[b + C_STATE] === HP_ONLINE) out.push(this.n + i);
    }
    return out;
  }

  /** Run one actor (must be enabled). */
  step(actor: number): void {
    if (this.steps >= this.log.length) {
      const bigger = new Uint8Array(this.log.length * 2);
      bigger.set(this.log);
      this.log = bigger;
    }
    this.log[this.steps++] = actor;
    if (actor < this.n) this.stepCpu(actor);
    else this.deliverIpi(actor - this.n);
    for (const o of this.observers) o(actor, this.steps);
  }

  /**
   * Run until nothing is enabled, picking among enabled actors with `pick` (gets the enabled list,
   * returns an index into it). Returns false when `maxSteps` more steps did not reach quiescence.
   */
  runToQuiescence(pick: (enabled: readonly number[]) => number, maxSteps: number): boolean {
    for (let k = 0; k < maxSteps; k++) {
      const en = this.enabled();
      if (en.length === 0) return true;
      const i = pick(en);
      this.step(en[((i % en.length) + en.length) % en.length] ?? (en[0] as number));
    }
    return this.enabled().length === 0;
  }

  /** The schedule so far in the impl's one-line format (smp1:<cpus>:<faults>:<steps>). */
  schedule(): string {
    return encodeSchedule(this.n, Atomics.load(this.mem.m, H_FAULTS), this.log, this.steps);
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
      out.push({ cpu: i, waitsOn: `blocked on shared word ${cs.waitIdx}` });
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
    if (r.value !== STEP) {
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
    // entering the interrupt masks interrupts and acks the doorbell, in one event
    Atomics.store(m, L.cpu(cpu, C_IRQS_OFF), 1);
    Atomics.store(m, L.cpu(cpu, C_DOORBELL), 0);
    Atomics.add(m, L.cpu(cpu, C_IPIS), 1);
    cs.frames.push(irqFrame(cs.ctx));
    cs.blocked = false;
  }
}
