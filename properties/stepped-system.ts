/**
 * The implementation stepped one actor at a time by the property tests: fast-check interleaves host
 * actions (post a call, deliver one IPI, run k steps it chose) with protocol steps and looks at
 * shared memory after every step. The stepping itself is the deterministic runtime's own core
 * (impl/runtime/cpu-stepper.ts), so a recorded schedule means the same thing in both.
 */
import { postRequest, type SmpRequest } from '../impl/requests.js';
import { CpuStepper, type StaleRead, type StuckCpu } from '../impl/runtime/cpu-stepper.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { createSharedMem, type SharedMem, type SmpConfig } from '../impl/system.js';

/** Called after every step with the actor that ran; observers read shared memory here. */
export type StepObserver = (actor: number, step: number) => void;

export type { StuckCpu };

export class SteppedSystem {
  readonly mem: SharedMem;
  readonly n: number;
  private readonly core: CpuStepper;
  private readonly observers: StepObserver[] = [];

  constructor(cfg: SmpConfig) {
    this.mem = createSharedMem({ ...cfg, pollSpins: cfg.pollSpins ?? 2 });
    this.core = new CpuStepper(this.mem, cfg.variant, cfg.memory ?? 'sc');
    this.n = this.core.n;
  }

  /** The memory model of the protocol's accesses. */
  get memory(): MemoryModel {
    return this.core.memory;
  }

  /** Where the weak memory's decisions come from from now on (never asked under sc). */
  setChooser(choose: (n: number) => number): void {
    this.core.chooser = choose;
  }

  /** Loads that read a store older than the newest (lkmm). */
  get staleReads(): readonly StaleRead[] {
    return this.core.staleReads;
  }

  get stepCount(): number {
    return this.core.stepCount;
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
    return this.core.enabled();
  }

  /** Run one actor (must be enabled). */
  step(actor: number): void {
    this.core.step(actor);
    for (const o of this.observers) o(actor, this.core.stepCount);
  }

  /**
   * Run until nothing is enabled, picking among enabled actors with `pick` (gets the enabled list,
   * returns an index into it). Returns false when `maxSteps` more steps did not reach quiescence.
   */
  runToQuiescence(pick: (enabled: readonly number[]) => number, maxSteps: number): boolean {
    const en: number[] = [];
    for (let k = 0; k < maxSteps; k++) {
      this.core.enabledInto(en);
      if (en.length === 0) return true;
      const i = pick(en);
      this.step(en[((i % en.length) + en.length) % en.length] ?? (en[0] as number));
    }
    return this.core.enabledInto(en).length === 0;
  }

  /** The schedule so far in the impl's one-line format (smp2:<cpus>:<variant>:<steps>). */
  schedule(): string {
    return this.core.schedule();
  }

  /** At quiescence: CPUs that cannot go on although work remains (INV-NO-DEADLOCK). */
  stuckCpus(): StuckCpu[] {
    return this.core.stuckCpus();
  }
}
