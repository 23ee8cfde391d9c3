/**
 * CSD lock-wait debug (CONFIG_CSD_LOCK_WAIT_DEBUG, `csdlock_debug=1`): a wait on a lock bit that
 * lasts longer than csd_lock_timeout produces a structured report, re-sends the IPI once, reports
 * "unstuck" when the bit clears, and with panic_on_ipistall fails the run. Never a silent hang.
 * One incident, one id (#N) on every message about it (smp-semantics.md §5).
 */
import {
  C_CUR_CSD, C_CUR_FUNC, C_DOORBELL, C_IDLE, F_DST, F_FUNC, F_INFO, H_BT_TOKEN, H_BUG_COUNT, H_PANIC, H_STUCK, NULL,
} from './layout.js';
import { funcName } from './functions.js';
import { kick, type Ctx, type DebugReport } from './memory.js';

export class CsdLockPanic extends Error {
  constructor(readonly report: DebugReport) {
    super(report.text);
    this.name = 'CsdLockPanic';
  }
}

export class LockWaitDebug {
  private readonly t0: number;
  private reports = 0;
  private bugId = 0;

  constructor(private readonly c: Ctx, private readonly csd: number) {
    this.t0 = c.nowMs();
  }

  private make(kind: DebugReport['kind'], text: (b: string) => string): DebugReport {
    const c = this.c;
    const m = c.m;
    const L = c.L;
    const dst = Atomics.load(m, L.csd(this.csd, F_DST));
    const func = funcName(Atomics.load(m, L.csd(this.csd, F_FUNC)));
    const info = Atomics.load(m, L.csd(this.csd, F_INFO));
    let targetRunning = 'nothing';
    if (dst >= 0 && dst < L.ncpus) {
      const cur = Atomics.load(m, L.cpu(dst, C_CUR_CSD));
      if (cur !== NULL) targetRunning = cur === this.csd ? 'this request' : `prior ${funcName(Atomics.load(m, L.cpu(dst, C_CUR_FUNC)))}`;
      else if (Atomics.load(m, L.cpu(dst, C_IDLE)) !== 0) targetRunning = 'idle';
    }
    const waitedMs = c.nowMs() - this.t0;
    return {
      kind, bugId: this.bugId, waitingCpu: c.cpu, targetCpu: dst, func, info, csd: this.csd,
      waitedMs, targetRunning, text: text(`CSD lock (#${this.bugId})`),
    };
  }

  /** Called while the lock bit is still set. Returns the sleep bound in ms for the next wait. */
  stillLocked(): number {
    const c = this.c;
    const m = c.m;
    const timeout = c.csdLockTimeoutMs;
    if (timeout <= 0) return Infinity;
    const waited = c.nowMs() - this.t0;
    if (c.panicOnIpistallMs > 0 && waited > c.panicOnIpistallMs) {
      Atomics.store(m, H_PANIC, 1);
      const r = this.make('panic', (b) => `csd: ${b} on CPU#${c.cpu} stuck for ${waited.toFixed(0)} ms: panic_on_ipistall=${c.panicOnIpistallMs}`);
      c.report(r);
      throw new CsdLockPanic(r);
    }
    const due = timeout * (this.reports + 1);
    if (waited > due) {
      const first = this.reports === 0;
      if (first) {
        this.bugId = Atomics.add(m, H_BUG_COUNT, 1) + 1;
        Atomics.add(m, H_STUCK, 1);
      }
      const r = this.make(first ? 'detected' : 'continued', (b) => {
        const running = this.make('detected', () => '').targetRunning;
        return `csd: ${first ? 'Detected' : 'Continued'} non-responsive ${b.replace('CSD lock', 'CSD lock')} on CPU#${c.cpu}, waiting ${(waited * 1e6).toFixed(0)} ns for CPU#${Atomics.load(m, c.L.csd(this.csd, F_DST))} ${funcName(Atomics.load(m, c.L.csd(this.csd, F_FUNC)))}(${Atomics.load(m, c.L.csd(this.csd, F_INFO))}), target running: ${running}.`;
      });
      c.report(r);
      if (first) {
        // Re-send the IPI once: if it was lost, this unsticks the target (smp-protocol.md §6).
        const dst = r.targetCpu;
        if (dst >= 0 && dst < c.L.ncpus) {
          Atomics.store(m, c.L.cpu(dst, C_DOORBELL), 1);
          kick(c, dst);
        }
        c.report(this.make('resend-ipi', (b) => `csd: Re-sending ${b} IPI from CPU#${c.cpu} to CPU#${dst}`));
        // One NMI backtrace of the target per stall (0d3a00b37042, B10): the first waiter takes the
        // target's token; it is re-armed when the target flushes again. Without the token every
        // waiter backtraces the same target each period (an NMI storm).
        if (c.k.trigger_backtrace(c, dst)) {
          c.report(this.make('backtrace', (b) => `csd: ${b} NMI backtrace of CPU#${dst} requested by CPU#${c.cpu}`));
        }
      }
      this.reports++;
    }
    return Math.max(1, timeout * (this.reports + 1) - waited);
  }

  /** Called once the lock bit cleared. */
  unlocked(): void {
    if (this.bugId === 0) return;
    const c = this.c;
    Atomics.sub(c.m, H_STUCK, 1);
    c.report(this.make('unstuck', (b) => `csd: ${b} got unstuck on CPU#${c.cpu}, CPU#${Atomics.load(c.m, c.L.csd(this.csd, F_DST))} released the lock.`));
  }
}

/**
 * trigger_backtrace: the per-target NMI-backtrace token (a bit per CPU in H_BT_TOKEN, set = taken;
 * the target's flush clears it again). True iff this waiter took it and may dump the target.
 */
export function triggerBacktrace(c: Ctx, cpu: number): boolean {
  const bit = cpu >= 0 && cpu < 31 ? 1 << cpu : 0;
  return bit !== 0 && (c.a.atomic_fetch_or(H_BT_TOKEN, bit) & bit) === 0;
}
