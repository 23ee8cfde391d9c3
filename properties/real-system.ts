/**
 * The "real" side of the model-based tests: one implementation system driven step by step, with
 * the observations and invariant checks around it. Commands call `post`, `stepChoices`,
 * `deliverIpi` and `quiesce`; `assertHolds` throws the first violation of the selected invariants.
 */
import { Livelock } from '../impl/watchdog.js';
import { C_STATE, HP_ONLINE } from '../impl/layout.js';
import type { SmpRequest } from '../impl/requests.js';
import { rng } from '../impl/runtime/schedulers.js';
import type { ImplVariant } from '../impl/variant.js';
import type { InvariantId } from '../model/types.js';
import type { AbstractCoverage } from '../model/abstract-coverage.js';
import { ImplAbstraction } from './abstract-impl.js';
import { onlineMask } from './expected-runs.js';
import { Observations, type Violation } from './observations.js';
import { checkAtQuiescence } from './quiescence-checks.js';
import { SteppedSystem } from './stepped-system.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';

export interface RealConfig {
  readonly cpus: number;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  readonly idle?: 'poll' | 'halt';
  /** invariants whose violation fails the run; empty = all */
  readonly select?: readonly InvariantId[];
  /** step bound for one run to quiescence */
  readonly maxSteps?: number;
  /** allocator limit in live allocations (-ENOMEM injection); absent = unlimited */
  readonly allocLimit?: number;
  /** idle polling loads before halting (default 2) */
  readonly pollSpins?: number;
  /** abstract state coverage: one run per RealSystem, the abstract state after every step */
  readonly abstract?: AbstractCoverage;
  /** the CPUs the abstract state is of (default all; the guided pass's hotplug controller is left out) */
  readonly abstractCpus?: number;
  /** memory model of the protocol's accesses (default sc) */
  readonly memory?: MemoryModel;
}

const WEAK_POLL_SPINS = 8;

export class PropertyViolation extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message);
    this.name = 'PropertyViolation';
  }
}

export class RealSystem {
  readonly sys: SteppedSystem;
  readonly obs: Observations;
  epoch = 0;
  /** host-side log of what the commands did, for the timeline */
  readonly hostLog: { step: number; cpu: number; text: string }[] = [];
  private readonly hpTouched = new Map<number, Set<number>>();

  constructor(readonly cfg: RealConfig) {
    this.sys = new SteppedSystem({
      cpus: cfg.cpus, ...(cfg.variant === undefined ? {} : { variant: cfg.variant }), idle: cfg.idle ?? 'poll', requests: 512, traceCap: 16384,
      ...(cfg.allocLimit === undefined ? {} : { allocLimit: cfg.allocLimit }),
      ...(cfg.pollSpins === undefined ? {} : { pollSpins: cfg.pollSpins }),
      ...(cfg.memory === undefined ? {} : { memory: cfg.memory }),
      // Under weak memory an idle CPU polls longer (WEAK_POLL_SPINS loads, sc: 2): the window in
      // which a sender sees TIF_POLLING and skips the IPI is where the idle barriers matter.
      ...(cfg.memory === undefined || cfg.memory === 'sc' ? {} : { pollSpins: WEAK_POLL_SPINS }),
    });
    this.obs = new Observations(this.sys, (e) => this.touchedMask(e));
    const cov = cfg.abstract;
    if (cov !== undefined) {
      const abs = new ImplAbstraction(this.sys.mem.m, this.sys.mem.L, cfg.abstractCpus ?? cfg.cpus);
      cov.beginRun();
      cov.observe(abs.key());
      this.sys.observe(() => { cov.observe(abs.key()); });
    }
  }

  /** CPUs with a hotplug command in epoch `e` (bit c = cpu c) */
  touchedMask(e: number): number {
    let t = 0;
    for (const c of this.hpTouched.get(e) ?? []) t |= 1 << c;
    return t;
  }

  online(cpu: number): boolean {
    return cpu >= 0 && cpu < this.sys.n && this.sys.mem.m[this.sys.mem.L.cpu(cpu, C_STATE)] === HP_ONLINE;
  }

  post(cpu: number, req: SmpRequest, text: string): number {
    const target = req.kind === 'single' || req.kind === 'single_async' || req.kind === 'irq_work' || req.kind === 'ttwu' ? req.target : -1;
    const id = this.sys.post(cpu, req);
    this.obs.track({
      id, cpu, text, kind: req.kind, wait: 'wait' in req && req.wait, target, epoch: this.epoch,
      targetOffline: target >= 0 && !this.online(target), req, onlineAtPost: onlineMask(this.sys.n, (c) => this.online(c)),
    });
    if (req.kind === 'cpu_down' || req.kind === 'cpu_up') {
      const s = this.hpTouched.get(this.epoch) ?? new Set<number>();
      s.add(req.cpu);
      this.hpTouched.set(this.epoch, s);
    }
    this.hostLog.push({ step: this.sys.stepCount, cpu, text: `post ${text} (request ${id})` });
    return id;
  }

  /** Run one step per choice, each picking an enabled actor by index (the schedule as data). */
  stepChoices(choices: readonly number[]): void {
    // Under tso/lkmm a memory decision takes the next number of the same list (shrinks toward 0,
    // the SC-like option); under sc none is asked, so the list means what it always meant.
    let k = 0;
    this.sys.setChooser((n) => (choices[k++] ?? 0) % n);
    while (k < choices.length) {
      const c = choices[k++] ?? 0;
      const en = this.sys.enabled();
      if (en.length === 0) return;
      this.sys.step(en[c % en.length] ?? (en[0] as number));
    }
    this.sys.setChooser(() => 0);
  }

  /** Deliver `cpu`'s pending IPI now if it can be delivered; false if not enabled. */
  deliverIpi(cpu: number): boolean {
    const a = this.sys.n + cpu;
    if (!this.sys.enabled().includes(a)) return false;
    this.sys.step(a);
    return true;
  }

  /**
   * Run to quiescence with a seeded random scheduler, then check everything checkable there.
   * `lateIpis`: deliver an IPI only when no CPU can step (interrupts arrive as late as possible,
   * e.g. after the target entered stop_machine with interrupts off: the case the dying flush is for).
   */
  quiesce(seed: number, lateIpis = false): void {
    const r = rng(seed);
    const n = this.sys.n;
    this.sys.setChooser((k) => Math.floor(r() * k));
    const pick = (en: readonly number[]): number => {
      if (!lateIpis || (en[0] ?? n) >= n) return Math.floor(r() * en.length);
      let cpus = 0;
      while (cpus < en.length && (en[cpus] ?? n) < n) cpus++;
      return Math.floor(r() * cpus);
    };
    let reached: boolean;
    try {
      reached = this.sys.runToQuiescence(pick, this.cfg.maxSteps ?? 200_000);
    } catch (e) {
      // a livelocked CPU (impl/watchdog.ts) ends the run at once: reported, not run to the step bound
      if (!(e instanceof Livelock)) throw e;
      this.obs.violate('INV-NO-DEADLOCK', e.message);
      return;
    } finally {
      this.sys.setChooser(() => 0);
    }
    checkAtQuiescence(this.sys, this.obs, reached, (e) => this.hpTouched.get(e) ?? new Set<number>());
    this.epoch++;
  }

  violations(): readonly Violation[] {
    const sel = this.cfg.select ?? [];
    return sel.length === 0 ? this.obs.violations : this.obs.violations.filter((v) => sel.includes(v.id));
  }

  assertHolds(): void {
    const v = this.violations()[0];
    if (v !== undefined) throw new PropertyViolation(v);
  }
}
