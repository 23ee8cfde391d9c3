/**
 * The threads runtime as the "real" side of `fc.asyncModelRun`: one worker pool (impl
 * ThreadsSystem) reused across runs (reset with `restart`, toolchain gotcha 6). Commands post,
 * then await a quiescent point; the checks there are the memory and trace ones shared with the
 * deterministic runtime (no per-step observations exist on real threads).
 */
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import { ImplAbstraction } from '../abstract-impl.js';
import { onlineMask } from '../expected-runs.js';
import { C_STATE, HP_ONLINE, R_STATUS, RS_RETURNED } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import type { ThreadsSystem } from '../../impl/runtime/threads.js';
import type { InvariantId } from '../../model/types.js';
import type { PostedCall, Violation } from '../observations.js';
import { checkMemoryAtQuiescence, checkReuse, type ViolationSink } from '../quiescence-checks.js';
import { PropertyViolation } from '../real-system.js';

/** At most this long the host samples shared memory in a tight loop after each posted command. */
export const BURST_MS = 5;

export class ThreadsReal implements ViolationSink {
  readonly calls: PostedCall[] = [];
  readonly violations: Violation[] = [];
  readonly hostLog: string[] = [];
  private epoch = 0;
  private readonly hpTouched = new Map<number, Set<number>>();

  private sampler: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly sys: ThreadsSystem,
    readonly select: readonly InvariantId[],
    readonly quiesceTimeoutMs = 10_000,
  ) {}

  /**
   * Abstract state coverage on real threads is SAMPLED: the host reads shared memory in a tight
   * loop after every command it posts until the command returned or BURST_MS passed (the
   * workers run meanwhile on their own threads), every millisecond while it awaits quiescence, and at every quiescent point. So it
   * sees a subset of the states the run passed through. A read is not a snapshot across words;
   * a sample counts only when two consecutive reads give the same key (a read that mixed two
   * moments rarely repeats), which makes torn states rare, not impossible.
   */
  sampleInto(cov: AbstractCoverage): void {
    const abs = new ImplAbstraction(this.sys.mem.m, this.sys.mem.L);
    cov.beginRun();
    let prev = '';
    const sample = (): void => {
      const k = abs.key();
      if (k === prev) cov.observe(k);
      prev = k;
    };
    const { m, L } = this.sys.mem;
    const burst = (id: number): void => {
      const end = performance.now() + BURST_MS;
      while (performance.now() < end && Atomics.load(m, L.req(id, R_STATUS)) !== RS_RETURNED) sample();
      sample();
      sample();
    };
    sample();
    sample();
    this.sampler = setInterval(() => { sample(); sample(); }, 1);
    this.onQuiescent = () => { sample(); sample(); };
    this.onPost = burst;
  }

  private onQuiescent: (() => void) | null = null;
  private onPost: ((id: number) => void) | null = null;

  stopSampling(): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
    this.onQuiescent?.();
    this.onQuiescent = null;
    this.onPost = null;
  }

  violate(id: InvariantId, message: string): void {
    if (this.violations.some((v) => v.id === id)) return;
    this.violations.push({ id, message: `${id}: ${message}`, step: this.epoch });
  }

  online(cpu: number): boolean {
    const { m, L } = this.sys.mem;
    return cpu >= 0 && cpu < L.ncpus && Atomics.load(m, L.cpu(cpu, C_STATE)) === HP_ONLINE;
  }

  post(cpu: number, req: SmpRequest, text: string): number {
    const target = req.kind === 'single' || req.kind === 'single_async' || req.kind === 'irq_work' || req.kind === 'ttwu' ? req.target : -1;
    const targetOffline = target >= 0 && !this.online(target);
    const onlineAtPost = onlineMask(this.sys.mem.L.ncpus, (c) => this.online(c));
    const id = this.sys.post(cpu, req);
    this.calls.push({ id, cpu, text, kind: req.kind, wait: 'wait' in req && req.wait, target, epoch: this.epoch, targetOffline, req, onlineAtPost });
    if (req.kind === 'cpu_down' || req.kind === 'cpu_up') {
      const s = this.hpTouched.get(this.epoch) ?? new Set<number>();
      s.add(req.cpu);
      this.hpTouched.set(this.epoch, s);
    }
    this.hostLog.push(`cpu${cpu}: ${text} (request ${id})`);
    this.onPost?.(id);
    return id;
  }

  async quiesce(): Promise<void> {
    const q = await this.sys.quiesce(this.quiesceTimeoutMs);
    this.onQuiescent?.();
    if (q.status !== 'quiescent') this.violate('INV-NO-DEADLOCK', `threads runtime not quiescent (${q.status}): ${q.message ?? ''}`);
    checkMemoryAtQuiescence(this.sys.mem, this, this.calls, (e) => this.hpTouched.get(e) ?? new Set<number>());
    checkReuse(this, this.sys.trace());
    this.epoch++;
  }

  assertHolds(): void {
    const v = this.violations.find((x) => this.select.length === 0 || this.select.includes(x.id));
    if (v !== undefined) throw new PropertyViolation(v);
  }
}
