/**
 * The threads runtime as the "real" side of `fc.asyncModelRun`: one worker pool (impl
 * ThreadsSystem) reused across runs (reset with `restart`, toolchain gotcha 6). Commands post,
 * then await a quiescent point; the checks there are the memory and trace ones shared with the
 * deterministic runtime (no per-step observations exist on real threads).
 */
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import { ImplAbstraction } from '../abstract-impl.js';
import { C_STATE, HP_ONLINE } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import type { ThreadsSystem } from '../../impl/runtime/threads.js';
import type { InvariantId } from '../../model/types.js';
import type { PostedCall, Violation } from '../observations.js';
import { checkMemoryAtQuiescence, checkReuse, type ViolationSink } from '../quiescence-checks.js';
import { PropertyViolation } from '../real-system.js';

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
   * Abstract state coverage on real threads is SAMPLED: the host reads shared memory every
   * millisecond while the workers run (and at every quiescent point), so it sees a subset of the
   * states the run passed through, and a read may mix two moments (no snapshot across words).
   */
  sampleInto(cov: AbstractCoverage): void {
    const abs = new ImplAbstraction(this.sys.mem.m, this.sys.mem.L);
    cov.beginRun();
    const sample = (): void => {
      cov.observe(abs.key());
    };
    sample();
    this.sampler = setInterval(sample, 1);
    this.onQuiescent = sample;
  }

  private onQuiescent: (() => void) | null = null;

  stopSampling(): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
    this.onQuiescent?.();
    this.onQuiescent = null;
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
    const target = req.kind === 'single' || req.kind === 'single_async' ? req.target : -1;
    const targetOffline = target >= 0 && !this.online(target);
    const id = this.sys.post(cpu, req);
    this.calls.push({ id, cpu, text, kind: req.kind, wait: 'wait' in req && req.wait, target, epoch: this.epoch, targetOffline });
    if (req.kind === 'cpu_down' || req.kind === 'cpu_up') {
      const s = this.hpTouched.get(this.epoch) ?? new Set<number>();
      s.add(req.cpu);
      this.hpTouched.set(this.epoch, s);
    }
    this.hostLog.push(`cpu${cpu}: ${text} (request ${id})`);
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
