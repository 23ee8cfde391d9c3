/**
 * The stress engine behind `smpcheck stress` (scftorture on worker threads): every CPU issues a
 * weighted mix of calls to random targets while CPU 0 churns hotplug on the others, for a given
 * time. Work runs in rounds of at most `roundRequests` requests (the request table is finite); each
 * round ends at quiescence, where the shared counters are checked (accountingReport) and the
 * system is reset for the next round. A stuck CSD lock (lock-wait debug "Detected non-responsive")
 * ends the run at once: it never hangs.
 */
import * as hdr from 'hdr-histogram-js';
import { EBUSY, ENXIO } from '../errno.js';
import type { ImplVariant } from '../variant.js';
import {
  H_REQ_NEXT, R_DUP, R_EXPECTED, R_ISSUER, R_RAN, R_RC, R_RUNS, R_STATUS, R_T_END, R_T_START, R_WRONG, RS_POSTED,
  RS_RETURNED,
  type Layout,
} from '../layout.js';
import type { DebugReport } from '../memory.js';
import type { AccountingReport } from '../requests.js';
import { ThreadsSystem } from '../runtime/threads.js';
import { rng } from '../runtime/schedulers.js';
import { exportFtrace, type TraceEvent } from '../trace-export.js';
import { makeRequest, pick, type Mix, type MixKey } from './mix.js';

export interface StressConfig {
  readonly cpus: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly mix: Mix;
  /** hotplug operations (cpu_down or cpu_up) per second issued by CPU 0; 0 = none */
  readonly churnPerSec: number;
  readonly csdLockTimeoutMs: number;
  /** a variant of the protocol (default: smp.c) */
  readonly variant?: ImplVariant;
  /** fraction of single-target calls aimed at the issuing CPU itself */
  readonly selfFraction?: number;
  /** requests in flight per issuing CPU */
  readonly inflightPerCpu?: number;
  /** requests per round (the request table holds a round) */
  readonly roundRequests?: number;
  readonly trace?: boolean;
}

export interface StressHooks {
  readonly log?: (line: string) => void;
  /** called about once per elapsed second with whole seconds elapsed */
  readonly onSecond?: (seconds: number) => void;
  readonly signal?: AbortSignal;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

export interface PrimitiveStats {
  readonly key: MixKey;
  readonly issued: number;
  readonly returned: number;
  /** function runs counted for these requests (a many-call runs on several CPUs) */
  readonly ran: number;
  readonly enxio: number;
  readonly ebusy: number;
  /** other negative return codes (e.g. -ENOMEM) */
  readonly otherErrors: number;
  /** single-target calls aimed at the issuing CPU */
  readonly self: number;
  readonly callsPerSec: number;
  readonly latency: LatencySummary;
}

/** The failure counts, each under the invariant it breaks. */
export interface StressTotals {
  /** INV-NO-LOST-CALL */ readonly lost: number;
  /** INV-NO-DOUBLE-RUN */ readonly duplicated: number;
  /** INV-RUN-ON-TARGET (and INV-ENXIO: a run after -ENXIO, or a call that returned 0 while its target was down) */ readonly wrongCpu: number;
  /** INV-SYNC-AFTER-RUN */ readonly returnedBeforeRun: number;
  /** INV-NOT-ON-OFFLINE */ readonly offlineRuns: number;
  /** INV-NO-LEAK */ readonly leakedCfd: number;
  /** INV-LOCK-RELEASED */ readonly locksStillSet: number;
  /** INV-LOCK-RELEASED: csd_unlock of an unlocked CSD */ readonly unlockWarnings: number;
  /** INV-ONE-OWNER: a queue that became a cycle */ readonly listCorruptions: number;
  /** INV-NO-UAF: a CSD of a freed cfd touched */ readonly uafTouches: number;
  /** INV-NO-DEADLOCK: lock-wait debug found a CSD lock held past csd_lock_timeout */ readonly csdLockStalls: number;
  /** INV-NO-DEADLOCK: a round that did not reach quiescence */ readonly notQuiescent: number;
}

export const TOTAL_INVARIANTS: Readonly<Record<keyof StressTotals, string>> = {
  lost: 'INV-NO-LOST-CALL', duplicated: 'INV-NO-DOUBLE-RUN', wrongCpu: 'INV-RUN-ON-TARGET',
  returnedBeforeRun: 'INV-SYNC-AFTER-RUN', offlineRuns: 'INV-NOT-ON-OFFLINE', leakedCfd: 'INV-NO-LEAK',
  locksStillSet: 'INV-LOCK-RELEASED', unlockWarnings: 'INV-LOCK-RELEASED', listCorruptions: 'INV-ONE-OWNER',
  uafTouches: 'INV-NO-UAF', csdLockStalls: 'INV-NO-DEADLOCK', notQuiescent: 'INV-NO-DEADLOCK',
};

export interface StressFailure {
  readonly invariant: string;
  readonly message: string;
  readonly round: number;
  /** ftrace text of the trace window around the first failure */
  readonly traceWindow: string;
  readonly traceEvents: number;
}

export interface StressResult {
  readonly ok: boolean;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  readonly rounds: number;
  readonly requests: number;
  readonly hotplug: { readonly down: number; readonly up: number; readonly failed: number };
  readonly primitives: readonly PrimitiveStats[];
  readonly totals: StressTotals;
  /** first failure, with its trace window; null when the run passed */
  readonly failure: StressFailure | null;
  /** lock-wait debug reports (CONFIG_CSD_LOCK_WAIT_DEBUG messages), in arrival order */
  readonly debugReports: readonly DebugReport[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ZERO_TOTALS: StressTotals = {
  lost: 0, duplicated: 0, wrongCpu: 0, returnedBeforeRun: 0, offlineRuns: 0, leakedCfd: 0, locksStillSet: 0,
  unlockWarnings: 0, listCorruptions: 0, uafTouches: 0, csdLockStalls: 0, notQuiescent: 0,
};

interface Acc {
  issued: number; returned: number; ran: number; enxio: number; ebusy: number; otherErrors: number; self: number;
  readonly hist: hdr.Histogram;
}

/** Events around [t0, t1] (trace clock, seconds): `margin` events either side, at most `cap` lines. */
export function traceWindow(events: readonly TraceEvent[], t0: number, t1: number, margin = 60, cap = 2000): TraceEvent[] {
  let a = events.findIndex((e) => e.ts >= t0);
  if (a < 0) a = events.length;
  let b = a;
  while (b < events.length && (events[b]?.ts ?? Infinity) <= t1) b++;
  return events.slice(Math.max(0, a - margin), Math.min(events.length, b + margin, Math.max(0, a - margin) + cap));
}

export async function runStress(cfg: StressConfig, hooks: StressHooks = {}): Promise<StressResult> {
  const log = hooks.log ?? (() => undefined);
  const n = cfg.cpus;
  const inflight = cfg.inflightPerCpu ?? 16;
  const roundRequests = cfg.roundRequests ?? 6000;
  const selfFraction = cfg.selfFraction ?? 1 / n;
  const rand = rng(cfg.seed);
  const sys = await ThreadsSystem.start({
    cpus: n, idle: 'poll', csdlockDebug: true, csdLockTimeoutMs: cfg.csdLockTimeoutMs, ...(cfg.variant === undefined ? {} : { variant: cfg.variant }),
    trace: cfg.trace ?? true, requests: roundRequests + 256, traceCap: 65_536,
  });
  const { m, L, f64 } = sys.mem;
  const accs = new Map<MixKey, Acc>(cfg.mix.map((e) => [e.key, {
    issued: 0, returned: 0, ran: 0, enxio: 0, ebusy: 0, otherErrors: 0, self: 0,
    hist: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: 3 }),
  }]));
  const totals: Record<keyof StressTotals, number> = { ...ZERO_TOTALS };
  const hotplug = { down: 0, up: 0, failed: 0 };
  const debugReports: DebugReport[] = [];
  let failure: StressFailure | null = null;
  let rounds = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + cfg.durationMs;
  let lastSecond = 0;
  const tickSeconds = (): void => {
    const s = Math.floor((performance.now() - started) / 1000);
    if (s > lastSecond) { lastSecond = s; hooks.onSecond?.(s); }
  };
  const stalled = (): DebugReport | undefined => sys.debugReports.find((r) => r.kind === 'detected' || r.kind === 'panic');
  const aborted = (): boolean => hooks.signal?.aborted === true;
  const status = (id: number): number => Atomics.load(m, L.req(id, R_STATUS));

  try {
    while (failure === null && performance.now() < deadline && !aborted()) {
      // a restart without a variant runs smp.c: every round runs the variant, not only the first
      if (rounds > 0) await sys.restart(cfg.variant === undefined ? {} : { variant: cfg.variant });
      rounds++;
      // per request of this round: its mix key (undefined for hotplug) and whether it targets itself
      const keyOf: (MixKey | undefined)[] = [];
      const selfOf: boolean[] = [];
      // single-target calls: the CPU the caller named (-1: none); hotplug requests in posting order
      const targetOf: number[] = [];
      const hpLog: { id: number; cpu: number; down: boolean }[] = [];
      const outstanding: number[][] = Array.from({ length: n }, () => []);
      const offline = new Set<number>();
      let hp: { id: number; cpu: number; down: boolean } | null = null;
      let nextHotplug = performance.now();
      let posted = 0;
      const post = (cpu: number, req: Parameters<ThreadsSystem['post']>[1], key: MixKey | undefined, self: boolean): number => {
        const id = sys.post(cpu, req);
        keyOf[id] = key;
        selfOf[id] = self;
        targetOf[id] = (req.kind === 'single' || req.kind === 'single_async' || req.kind === 'irq_work' || req.kind === 'ttwu') && req.target !== cpu ? req.target : -1;
        if (req.kind === 'cpu_down' || req.kind === 'cpu_up') hpLog.push({ id, cpu: req.cpu, down: req.kind === 'cpu_down' });
        posted++;
        return id;
      };
      const finishHotplug = (): void => {
        if (hp === null || status(hp.id) !== RS_RETURNED) return;
        const rc = Atomics.load(m, L.req(hp.id, R_RC));
        if (rc !== 0) hotplug.failed++;
        else if (hp.down) { hotplug.down++; offline.add(hp.cpu); } else { hotplug.up++; offline.delete(hp.cpu); }
        hp = null;
      };
      // Issue until the round's budget, the deadline, Ctrl-C or a stall.
      for (;;) {
        const now = performance.now();
        if (posted >= roundRequests || now >= deadline || aborted() || stalled() !== undefined) break;
        for (let c = 0; c < n; c++) {
          const out = outstanding[c] ?? [];
          let k = 0;
          for (const id of out) if (status(id) !== RS_RETURNED) out[k++] = id;
          out.length = k;
          while (out.length < inflight && posted < roundRequests) {
            const e = pick(cfg.mix, rand());
            const req = makeRequest(e.key, c, n, rand, selfFraction);
            out.push(post(c, req, e.key, 'target' in req && req.target === c));
          }
        }
        finishHotplug();
        if (cfg.churnPerSec > 0 && n >= 2 && hp === null && now >= nextHotplug && posted < roundRequests) {
          // CPU 0 is the control CPU (never offlined): take a random other one down, or bring it back.
          const cpu = 1 + Math.floor(rand() * (n - 1));
          const down = !offline.has(cpu);
          hp = { id: post(0, down ? { kind: 'cpu_down', cpu } : { kind: 'cpu_up', cpu }, undefined, false), cpu, down };
          nextHotplug = now + 1000 / cfg.churnPerSec;
        }
        tickSeconds();
        await sleep(1);
      }
      // Bring every CPU back online so their mailboxes drain, then wait for quiescence.
      const drainDeadline = performance.now() + Math.max(10_000, 4 * cfg.csdLockTimeoutMs);
      while ((hp !== null || offline.size > 0) && stalled() === undefined && performance.now() < drainDeadline) {
        finishHotplug();
        const down = [...offline][0];
        if (hp === null && down !== undefined) hp = { id: post(0, { kind: 'cpu_up', cpu: down }, undefined, false), cpu: down, down: false };
        tickSeconds();
        await sleep(1);
      }
      while (stalled() === undefined && performance.now() < drainDeadline && outstanding.some((o) => o.some((id) => status(id) !== RS_RETURNED))) {
        tickSeconds();
        await sleep(1);
      }
      // After a stall, give the re-sent IPI a short while to unstick the lock so the counts are
      // taken at quiescence if they can be; a lock that stays stuck ends the round at the timeout
      // (the stop then unwinds the stuck CPUs): never a hang.
      const stall = stalled();
      const quiesceMs = stall === undefined ? drainDeadline - performance.now() : 2 * cfg.csdLockTimeoutMs + 500;
      const q = await sys.quiesce(Math.max(1, quiesceMs));
      const acc: AccountingReport = q.accounting;
      debugReports.push(...sys.debugReports);
      // Per-primitive counts and latency from the request table.
      const count = Math.min(Atomics.load(m, H_REQ_NEXT), L.reqCap);
      requests += count;
      let firstBad: { id: number; why: string } | null = null;
      const downAt = offlineWindows(m, L, f64, hpLog);
      let queuedOffline = 0;
      for (let id = 0; id < count; id++) {
        const key = keyOf[id];
        const st = status(id);
        const rc = Atomics.load(m, L.req(id, R_RC));
        if (key !== undefined) {
          const a = accs.get(key);
          if (a !== undefined) {
            a.issued++;
            if (selfOf[id] === true) a.self++;
            a.ran += Atomics.load(m, L.req(id, R_RUNS));
            if (st === RS_RETURNED) {
              a.returned++;
              if (rc === -ENXIO) a.enxio++;
              else if (rc === -EBUSY) a.ebusy++;
              else if (rc < 0) a.otherErrors++;
              const ns = (f64[L.req(id, R_T_END) >> 1] ?? 0) - (f64[L.req(id, R_T_START) >> 1] ?? 0);
              a.hist.recordValue(Math.max(1, Math.round(ns * 1e9)));
            }
          }
        }
        if (firstBad === null) {
          const exp = Atomics.load(m, L.req(id, R_EXPECTED));
          const ran = Atomics.load(m, L.req(id, R_RAN));
          const lost = (st === RS_RETURNED ? rc === 0 : st !== RS_POSTED) ? exp & ~ran : 0;
          if (Atomics.load(m, L.req(id, R_DUP)) > 0) firstBad = { id, why: 'INV-NO-DOUBLE-RUN' };
          else if (Atomics.load(m, L.req(id, R_WRONG)) > 0) firstBad = { id, why: 'INV-RUN-ON-TARGET' };
          else if (lost !== 0 && (key !== undefined)) firstBad = { id, why: `INV-NO-LOST-CALL (never ran on cpu ${bits(lost).join(',')})` };
        }
        // INV-ENXIO from the hotplug timeline as the host made it: a single-target call that ran
        // from start to return while its target was down (after cpu_down returned 0, before
        // cpu_up was started; 2 ms margins for the threads' clocks) must not return 0
        const t = targetOf[id] ?? -1;
        if (t >= 0 && st === RS_RETURNED && rc === 0) {
          const t0 = f64[L.req(id, R_T_START) >> 1] ?? 0;
          const t1 = f64[L.req(id, R_T_END) >> 1] ?? 0;
          const inside = (downAt.get(t) ?? []).some((w) => w.from + MARGIN_S <= t0 && t1 + MARGIN_S <= w.to);
          if (inside) {
            queuedOffline++;
            if (firstBad === null) firstBad = { id, why: `INV-ENXIO (returned 0 for cpu${t}, which was down during the whole call)` };
          }
        }
      }
      totals.lost += acc.lost;
      totals.duplicated += acc.duplicated;
      totals.wrongCpu += acc.wrongCpu + queuedOffline;
      totals.returnedBeforeRun += acc.returnedBeforeRun;
      totals.offlineRuns += acc.offlineRuns;
      totals.leakedCfd += acc.leakedCfd;
      totals.locksStillSet += acc.locksStillSet;
      totals.unlockWarnings += acc.unlockWarnings;
      totals.listCorruptions += acc.listCorruptions;
      totals.uafTouches += acc.uafTouches;
      const stalls = sys.debugReports.filter((r) => r.kind === 'detected').length;
      totals.csdLockStalls += stalls;
      const quiet = q.status === 'quiescent';
      if (!quiet && stalls === 0) totals.notQuiescent++;
      if (!acc.ok || stalls > 0 || !quiet || queuedOffline > 0) {
        const events = sys.trace();
        const last = events[events.length - 1]?.ts ?? 0;
        let win: TraceEvent[];
        let invariant: string;
        let message: string;
        const reqWindow = (id: number): TraceEvent[] => {
          const t0 = f64[L.req(id, R_T_START) >> 1] ?? 0;
          const t1 = status(id) === RS_RETURNED ? (f64[L.req(id, R_T_END) >> 1] ?? last) : last;
          return traceWindow(events, t0, t1);
        };
        const describe = (id: number): string => {
          const issuer = Atomics.load(m, L.req(id, R_ISSUER));
          return `request ${id} (${keyOf[id] ?? 'hotplug'} from cpu${issuer}, expected on cpu ${bits(Atomics.load(m, L.req(id, R_EXPECTED))).join(',') || '-'}, ran on ${bits(Atomics.load(m, L.req(id, R_RAN))).join(',') || '-'}, rc ${Atomics.load(m, L.req(id, R_RC))}, ${status(id) === RS_RETURNED ? 'returned' : 'not returned'})`;
        };
        const firstStall = sys.debugReports.find((r) => r.kind === 'detected' || r.kind === 'panic');
        if (q.status === 'error' && (q.message ?? '').includes('watchdog:')) {
          // a livelocked CPU (impl/watchdog.ts): the run was ended, its other counts are a consequence
          invariant = 'INV-NO-DEADLOCK';
          message = q.message ?? 'watchdog';
          win = events.slice(-400);
        } else if (firstStall !== undefined) {
          invariant = 'INV-NO-DEADLOCK';
          message = `${firstStall.text} (${describe(firstStall.info)})`;
          win = firstStall.info >= 0 && firstStall.info < count ? reqWindow(firstStall.info) : events.slice(-400);
        } else if (firstBad !== null) {
          invariant = firstBad.why.split(' ')[0] ?? firstBad.why;
          message = `${firstBad.why}: ${describe(firstBad.id)}`;
          win = reqWindow(firstBad.id);
        } else {
          const counted = ['lost', 'duplicated', 'wrongCpu', 'returnedBeforeRun', 'offlineRuns', 'leakedCfd', 'locksStillSet', 'unlockWarnings', 'listCorruptions', 'uafTouches'] as const;
          const k = counted.find((x) => acc[x] > 0);
          invariant = k !== undefined ? TOTAL_INVARIANTS[k] : 'INV-NO-DEADLOCK';
          message = k !== undefined ? `${k} = ${acc[k]} at the end of round ${rounds}` : `round ${rounds} not quiescent: ${q.message ?? q.status}`;
          win = events.slice(-400);
        }
        failure = { invariant, message, round: rounds, traceWindow: exportFtrace(win, n), traceEvents: win.length };
        log(`stress: FAILURE in round ${rounds}: ${invariant}: ${message}`);
      }
    }
  } finally {
    await sys.stop();
  }
  const elapsedMs = performance.now() - started;
  const primitives: PrimitiveStats[] = [...accs].map(([key, a]) => {
    const lat: LatencySummary = {
      count: a.hist.totalCount,
      p50Us: a.hist.getValueAtPercentile(50) / 1000, p99Us: a.hist.getValueAtPercentile(99) / 1000,
      p999Us: a.hist.getValueAtPercentile(99.9) / 1000, maxUs: a.hist.maxValue / 1000,
    };
    a.hist.destroy();
    return {
      key, issued: a.issued, returned: a.returned, ran: a.ran, enxio: a.enxio, ebusy: a.ebusy, otherErrors: a.otherErrors,
      self: a.self, callsPerSec: a.issued / (elapsedMs / 1000), latency: lat,
    };
  });
  const ok = failure === null && Object.values(totals).every((v) => v === 0);
  return {
    ok, interrupted: hooks.signal?.aborted === true, elapsedMs, rounds, requests, hotplug, primitives, totals, failure, debugReports,
  };
}

const MARGIN_S = 0.002;

/**
 * Per CPU, the intervals (trace clock, seconds) in which it was certainly down: from the return of
 * a successful cpu_down to the start of the next cpu_up of it (+Infinity if none was posted).
 * Read from the request table; call after the round (every hotplug request has returned).
 */
function offlineWindows(
  m: Int32Array, L: Layout, f64: Float64Array, log: readonly { id: number; cpu: number; down: boolean }[],
): Map<number, { from: number; to: number }[]> {
  const out = new Map<number, { from: number; to: number }[]>();
  log.forEach((h, k) => {
    if (!h.down || Atomics.load(m, L.req(h.id, R_STATUS)) !== RS_RETURNED || Atomics.load(m, L.req(h.id, R_RC)) !== 0) return;
    const up = log.slice(k + 1).find((x) => !x.down && x.cpu === h.cpu);
    const w = { from: f64[L.req(h.id, R_T_END) >> 1] ?? Infinity, to: up === undefined ? Infinity : (f64[L.req(up.id, R_T_START) >> 1] ?? 0) };
    out.set(h.cpu, [...(out.get(h.cpu) ?? []), w]);
  });
  return out;
}

function bits(mask: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 31; i++) if ((mask & (1 << i)) !== 0) out.push(i);
  return out;
}
