/**
 * The deterministic runtime: every CPU is a coroutine (a stack of protocol generators) in one
 * thread. Each STEP is a scheduling point; a CPU that yielded WAIT is not runnable until its word
 * changes; delivering a pending IPI is a separate actor, so late IPIs are explored. When nothing
 * is runnable but work remains, the run ends with a deadlock report naming each stuck CPU and what
 * it waits on. Every run records a schedule string that replays to the identical trace.
 */
import {
  C_DOORBELL, CPU_WORDS, C_IDLE, C_IPIS, C_IRQS_OFF, C_MB_HEAD, C_MB_TAIL, C_STATE, C_WAKE, CSD_FLAG_LOCK, F_DST, F_FLAGS,
  F_FUNC, F_SRC, H_FAULTS, H_GATE, H_HP_LOCK, H_SM_ARRIVED, H_SM_PHASE, HP_ONLINE, HP_NAMES,
} from '../layout.js';
import { ipiHandler } from '../flush.js';
import { funcName } from '../functions.js';
import { cpuLoop } from '../cpu-loop.js';
import { STEP, type Ctx, type Proto } from '../memory.js';
import { accountingReport, postRequest, requestResult, type AccountingReport, type RequestResult, type SmpRequest } from '../requests.js';
import { createSharedMem, makeCtx, type SharedMem, type SmpConfig } from '../system.js';
import { kickHost } from '../kick-host.js';
import { readTrace, type TraceEvent } from '../trace-export.js';
import { decodeSchedule, encodeSchedule } from './schedule.js';
import { randomScheduler, ReplayDivergence, replayScheduler, type Scheduler } from './schedulers.js';

export interface DeterministicConfig extends SmpConfig {
  readonly scheduler?: Scheduler;
  /** stop with status 'error' after this many steps (default 2,000,000) */
  readonly maxSteps?: number;
}

export interface StuckCpu {
  readonly cpu: number;
  readonly waitsOn: string;
}

export interface DeterministicResult {
  readonly status: 'quiescent' | 'deadlock' | 'error';
  readonly steps: number;
  readonly schedule: string;
  readonly report?: string;
  readonly stuck?: readonly StuckCpu[];
  readonly accounting: AccountingReport;
}

interface CpuState {
  readonly ctx: Ctx;
  readonly frames: Proto[];
  blocked: boolean;
  waitIdx: number;
  waitVal: number;
}

export class DeterministicSystem {
  readonly mem: SharedMem;
  private readonly cfg: DeterministicConfig;
  private scheduler: Scheduler;
  private cpus: CpuState[] = [];
  private steps = 0;
  private log = new Uint8Array(1 << 16);
  private ran = false;

  constructor(cfg: DeterministicConfig) {
    this.cfg = cfg;
    this.mem = createSharedMem({ ...cfg, pollSpins: cfg.pollSpins ?? 2 });
    this.scheduler = cfg.scheduler ?? randomScheduler(1);
    this.boot();
  }

  private boot(): void {
    const hooks = {
      now: () => this.steps / 1e6,
      nowMs: () => this.steps / 1e3,
      report: () => { /* lock-wait debug is a threads-runtime feature: here a stuck wait is a deadlock */ },
    };
    this.cpus = [];
    for (let i = 0; i < this.mem.L.ncpus; i++) {
      const ctx = makeCtx(this.mem, i, hooks);
      this.cpus.push({ ctx, frames: [cpuLoop(ctx)], blocked: false, waitIdx: 0, waitVal: 0 });
    }
  }

  /** Enqueue a command for `cpu` (before the run). Returns the request id. */
  call(cpu: number, req: SmpRequest): number {
    if (this.ran) throw new Error('call: this system already ran; create a new one (runs are not resumable)');
    return postRequest(this.mem.m, this.mem.L, cpu, req);
  }

  result(id: number): RequestResult {
    return requestResult(this.mem.m, this.mem.L, id, this.mem.f64);
  }

  accounting(): AccountingReport {
    return accountingReport(this.mem);
  }

  trace(): TraceEvent[] {
    return readTrace(this.mem);
  }

  /** Open the fn_stall gate (host action, not a scheduling point). */
  openGate(): void {
    Atomics.store(this.mem.m, H_GATE, 1);
    for (let i = 0; i < this.mem.L.ncpus; i++) kickHost(this.mem.m, this.mem.L, i);
  }

  /** Run with `schedule` (from a previous result) instead of the configured scheduler. */
  replay(schedule: string): DeterministicResult {
    const d = decodeSchedule(schedule);
    const faults = Atomics.load(this.mem.m, H_FAULTS);
    if (d.cpus !== this.mem.L.ncpus || d.faults !== faults) {
      throw new RangeError(`schedule: recorded for ${d.cpus} cpus / faults ${d.faults.toString(16)}, system has ${this.mem.L.ncpus} / ${faults.toString(16)}`);
    }
    this.scheduler = replayScheduler(d.steps);
    return this.runToQuiescence();
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
  }

  private stepCpu(cs: CpuState): void {
    const g = cs.frames[cs.frames.length - 1];
    if (g === undefined) return;
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

  runToQuiescence(): DeterministicResult {
    if (this.ran) throw new Error('runToQuiescence: a system runs once; create a new one to run again');
    this.ran = true;
    const m = this.mem.m;
    const L = this.mem.L;
    const n = L.ncpus;
    const maxSteps = this.cfg.maxSteps ?? 2_000_000;
    const sched = this.scheduler;
    sched.newExecution(2 * n);
    const enabled: number[] = [];
    let last = -1;
    const cpus = this.cpus;
    const cpuBase = L.cpu(0, 0);
    try {
      for (;;) {
        enabled.length = 0;
        // Plain reads: this runtime is single-threaded, so the runtime's own polling needs no Atomics.
        for (let i = 0; i < n; i++) {
          const cs = cpus[i];
          if (cs === undefined) continue;
          if (cs.blocked && m[cs.waitIdx] !== cs.waitVal) cs.blocked = false;
          if (!cs.blocked && cs.frames.length > 0) enabled.push(i);
        }
        for (let i = 0; i < n; i++) {
          const base = cpuBase + i * CPU_WORDS;
          if (m[base + C_DOORBELL] !== 0 && m[base + C_IRQS_OFF] === 0 && m[base + C_STATE] === HP_ONLINE) enabled.push(n + i);
        }
        if (enabled.length === 0) return this.finish();
        if (this.steps >= maxSteps) {
          return this.finish('error', `step bound reached: maxSteps=${maxSteps} (raise maxSteps; a livelock also ends here)`);
        }
        const a = sched.next(enabled, last, this.steps);
        if (this.steps >= this.log.length) {
          const bigger = new Uint8Array(this.log.length * 2);
          bigger.set(this.log);
          this.log = bigger;
        }
        this.log[this.steps++] = a;
        last = a;
        if (a < n) {
          const cs = cpus[a];
          if (cs !== undefined) this.stepCpu(cs);
        } else this.deliverIpi(a - n);
      }
    } catch (e) {
      if (e instanceof ReplayDivergence) return this.finish('error', e.message);
      const msg = e instanceof Error ? e.message : String(e);
      return this.finish('error', `protocol error at step ${this.steps}: ${msg}`);
    }
  }

  schedule(): string {
    return encodeSchedule(this.mem.L.ncpus, Atomics.load(this.mem.m, H_FAULTS), this.log, this.steps);
  }

  private finish(status?: 'error', why?: string): DeterministicResult {
    const schedule = this.schedule();
    const accounting = this.accounting();
    if (status === 'error') return { status, steps: this.steps, schedule, report: why ?? 'error', accounting };
    const stuck = this.stuckCpus();
    if (stuck.length === 0) return { status: 'quiescent', steps: this.steps, schedule, accounting };
    const report = `INV-NO-DEADLOCK violated after ${this.steps} steps: nothing is runnable but work remains\n`
      + stuck.map((s) => `  cpu${s.cpu}: ${s.waitsOn}`).join('\n') + `\nreplay: ${schedule}`;
    return { status: 'deadlock', steps: this.steps, schedule, report, stuck, accounting };
  }

  private stuckCpus(): StuckCpu[] {
    const m = this.mem.m;
    const L = this.mem.L;
    const out: StuckCpu[] = [];
    for (let i = 0; i < L.ncpus; i++) {
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

/** The hardware interrupt frame: run the handler, then unmask. */
function* irqFrame(c: Ctx): Proto {
  yield* ipiHandler(c);
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), 0);
}

/** Convenience: build a system, post calls, run it. */
export function runDeterministic(cfg: DeterministicConfig, calls: readonly (readonly [number, SmpRequest])[]): { sys: DeterministicSystem; result: DeterministicResult; ids: number[] } {
  const sys = new DeterministicSystem(cfg);
  const ids = calls.map(([cpu, req]) => sys.call(cpu, req));
  return { sys, result: sys.runToQuiescence(), ids };
}
