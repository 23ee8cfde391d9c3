/**
 * The deterministic runtime: every CPU is a coroutine (a stack of protocol generators) in one
 * thread. Each STEP is a scheduling point; a CPU that yielded WAIT is not runnable until its word
 * changes; delivering a pending IPI is a separate actor, so late IPIs are explored. When nothing
 * is runnable but work remains, the run ends with a deadlock report naming each stuck CPU and what
 * it waits on. Every run records a schedule string that replays to the identical trace.
 */
import { H_GATE } from '../layout.js';
import { accountingReport, postRequest, requestResult, type AccountingReport, type RequestResult, type SmpRequest } from '../requests.js';
import { createSharedMem, type SharedMem, type SmpConfig } from '../system.js';
import { kickHost } from '../kick-host.js';
import { readTrace, type TraceEvent } from '../trace-export.js';
import { CpuStepper, type StuckCpu } from './cpu-stepper.js';
import { decodeSchedule } from './schedule.js';
import { randomScheduler, ReplayDivergence, replayScheduler, type Scheduler } from './schedulers.js';

export interface DeterministicConfig extends SmpConfig {
  readonly scheduler?: Scheduler;
  /** stop with status 'error' after this many steps (default 2,000,000) */
  readonly maxSteps?: number;
}

export type { StuckCpu } from './cpu-stepper.js';

export interface DeterministicResult {
  readonly status: 'quiescent' | 'deadlock' | 'error';
  readonly steps: number;
  readonly schedule: string;
  readonly report?: string;
  readonly stuck?: readonly StuckCpu[];
  readonly accounting: AccountingReport;
}

export class DeterministicSystem {
  readonly mem: SharedMem;
  private readonly cfg: DeterministicConfig;
  private scheduler: Scheduler;
  private readonly core: CpuStepper;
  private ran = false;

  constructor(cfg: DeterministicConfig) {
    this.cfg = cfg;
    this.mem = createSharedMem({ ...cfg, pollSpins: cfg.pollSpins ?? 2 });
    this.scheduler = cfg.scheduler ?? randomScheduler(1);
    this.core = new CpuStepper(this.mem, cfg.variant, cfg.memory ?? 'sc');
    this.core.chooser = (n) => this.scheduler.choose?.(n) ?? 0;
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
    const variant = this.core.variantId;
    if (d.cpus !== this.mem.L.ncpus || d.variant !== variant) {
      throw new RangeError(`schedule: recorded for ${d.cpus} cpus / variant ${d.variant}, system has ${this.mem.L.ncpus} / ${variant}`);
    }
    if (d.memory !== this.core.memory) throw new RangeError(`schedule: recorded under memory ${d.memory}, system has memory ${this.core.memory}`);
    this.scheduler = replayScheduler(d.steps);
    return this.runToQuiescence();
  }

  runToQuiescence(): DeterministicResult {
    if (this.ran) throw new Error('runToQuiescence: a system runs once; create a new one to run again');
    this.ran = true;
    const core = this.core;
    const maxSteps = this.cfg.maxSteps ?? 2_000_000;
    const sched = this.scheduler;
    sched.newExecution(2 * core.n);
    const enabled: number[] = [];
    let last = -1;
    try {
      for (;;) {
        core.enabledInto(enabled);
        if (enabled.length === 0) return this.finish();
        if (core.stepCount >= maxSteps) {
          return this.finish('error', `step bound reached: maxSteps=${maxSteps} (raise maxSteps; a livelock also ends here)`);
        }
        const a = sched.next(enabled, last, core.stepCount);
        last = a;
        core.step(a);
      }
    } catch (e) {
      if (e instanceof ReplayDivergence) return this.finish('error', e.message);
      const msg = e instanceof Error ? e.message : String(e);
      return this.finish('error', `protocol error at step ${this.core.stepCount}: ${msg}`);
    }
  }

  schedule(): string {
    return this.core.schedule();
  }

  private finish(status?: 'error', why?: string): DeterministicResult {
    const schedule = this.schedule();
    const accounting = this.accounting();
    if (status === 'error') return { status, steps: this.core.stepCount, schedule, report: why ?? 'error', accounting };
    const stuck = this.core.stuckCpus();
    if (stuck.length === 0) return { status: 'quiescent', steps: this.core.stepCount, schedule, accounting };
    const report = `INV-NO-DEADLOCK violated after ${this.core.stepCount} steps: nothing is runnable but work remains\n`
      + stuck.map((s) => `  cpu${s.cpu}: ${s.waitsOn}`).join('\n') + `\nreplay: ${schedule}`;
    return { status: 'deadlock', steps: this.core.stepCount, schedule, report, stuck, accounting };
  }
}

/** Convenience: build a system, post calls, run it. */
export function runDeterministic(cfg: DeterministicConfig, calls: readonly (readonly [number, SmpRequest])[]): { sys: DeterministicSystem; result: DeterministicResult; ids: number[] } {
  const sys = new DeterministicSystem(cfg);
  const ids = calls.map(([cpu, req]) => sys.call(cpu, req));
  return { sys, result: sys.runToQuiescence(), ids };
}
