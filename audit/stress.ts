/**
 * Stress techniques on the implementation: random call scripts (audit/workload.ts) run to
 * quiescence on the deterministic runtime under a random or a PCT scheduler, or on real worker
 * threads (scftorture-style: no control over the interleaving). Judged at quiescence from the
 * shared counters (impl/counterexample.ts violatedInvariant) and from where each call ran against
 * where the call as made must and may run (properties/expected-runs.ts), each run with a new seed until the
 * first failure or the budget is spent. Deterministic failures are shrunk by dropping calls.
 */
import { violatedInvariant } from '../impl/counterexample.js';
import type { ImplVariant } from '../impl/variant.js';
import { runDeterministic } from '../impl/runtime/deterministic.js';
import { pctScheduler, randomScheduler, type Scheduler } from '../impl/runtime/schedulers.js';
import { ThreadsSystem } from '../impl/runtime/threads.js';
import type { TechniqueResult } from './result.js';
import { randomCalls, type Call } from './workload.js';
import { checkRuns } from '../properties/expected-runs.js';
import type { SharedMem } from '../impl/system.js';
import { R_RC, R_STATUS, RS_RETURNED } from '../impl/layout.js';

export interface StressOptions {
  readonly variant?: ImplVariant | undefined;
  readonly cpus: number;
  readonly seed: number;
  readonly budgetMs: number;
  /** Ctrl-C: stop after the current run */
  readonly signal?: AbortSignal;
  /** stop after this many runs even within the budget */
  readonly maxRuns?: number;
}

type Verdict = { id: string; message: string } | null;

/**
 * Where each posted call must and may run, from the call as made (properties/expected-runs.ts),
 * not from the implementation's accounting: every call is posted at the start with every CPU
 * online, and only the last CPU is hotplugged (audit/workload.ts).
 */
function runsVerdict(mem: SharedMem, calls: readonly Call[], ids: readonly number[], cpus: number): Verdict {
  const all = (1 << cpus) - 1;
  const last = 1 << (cpus - 1);
  // cpu0 runs its mailbox in order: a call it makes after its cpu_down returned 0 and before its
  // cpu_up sees the last CPU offline, for certain
  const down = calls.findIndex(([c, q]) => c === 0 && q.kind === 'cpu_down');
  const up = calls.findIndex(([c, q]) => c === 0 && q.kind === 'cpu_up');
  const downId = ids[down] ?? -1;
  const wentDown = down >= 0 && downId >= 0 && Atomics.load(mem.m, mem.L.req(downId, R_STATUS)) === RS_RETURNED && Atomics.load(mem.m, mem.L.req(downId, R_RC)) === 0;
  const between = (k: number, cpu: number): boolean => wentDown && cpu === 0 && k > down && k < up;
  const made = calls.map(([cpu, req], k) => ({ id: ids[k] ?? -1, cpu, req, text: req.kind, onlineAtPost: between(k, cpu) ? all & ~last : all, k }))
    .filter((c) => c.id >= 0 && c.req.kind !== 'cpu_down' && c.req.kind !== 'cpu_up');
  const hot = calls.some(([, req]) => req.kind === 'cpu_down' || req.kind === 'cpu_up') ? last : 0;
  return checkRuns(mem, made, (c) => (between(c.k, c.cpu) ? 0 : hot))[0] ?? null;
}

function detRun(calls: readonly Call[], o: StressOptions, sched: Scheduler): Verdict {
  const { sys, result, ids } = runDeterministic({ cpus: o.cpus, ...(o.variant === undefined ? {} : { variant: o.variant }), scheduler: sched, maxSteps: 200_000, trace: false }, calls);
  if (result.status === 'error') return { id: 'INV-NO-DEADLOCK', message: result.report ?? 'error' };
  return violatedInvariant(result.status, result.accounting) ?? (result.status === 'quiescent' ? runsVerdict(sys.mem, calls, ids, o.cpus) : null);
}

/** Drop calls one at a time while the same invariant still fails (same scheduler seed). */
function shrink(calls: readonly Call[], id: string, fails: (c: readonly Call[]) => Verdict): Call[] {
  let cur = [...calls];
  for (let i = cur.length - 1; i >= 0; i--) {
    const next = cur.filter((_, k) => k !== i);
    if (fails(next)?.id === id) cur = next;
  }
  return cur;
}

/** Lets a SIGINT handler run between runs (each run is synchronous). */
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function deterministicStress(o: StressOptions, scheduling: 'random' | 'pct'): Promise<TechniqueResult> {
  const technique = scheduling === 'random' ? 'det-random' : 'det-pct';
  const make = (s: number): Scheduler => (scheduling === 'random' ? randomScheduler(s) : pctScheduler(s, 3));
  const t0 = performance.now();
  let runs = 0;
  let slice = t0;
  for (let s = o.seed; performance.now() - t0 < o.budgetMs && runs < (o.maxRuns ?? Infinity); s++) {
    if (performance.now() - slice > 25) {
      await yieldToLoop();
      slice = performance.now();
    }
    if (o.signal?.aborted === true) break;
    runs++;
    const calls = randomCalls(s, o.cpus);
    const v = detRun(calls, o, make(s));
    if (v === null) continue;
    const timeMs = performance.now() - t0;
    const small = shrink(calls, v.id, (c) => detRun(c, o, make(s)));
    return { technique, status: 'caught', invariant: v.id, runs, timeMs, ceLength: small.length, message: `${v.message} (seed ${s})` };
  }
  return { technique, status: 'missed', invariant: null, runs, timeMs: performance.now() - t0, ceLength: null, message: null };
}

/** A pool of worker threads, reused across faults (restart resets memory and the variant). */
export async function threadsStress(pool: ThreadsSystem, o: StressOptions): Promise<TechniqueResult> {
  const t0 = performance.now();
  let runs = 0;
  for (let s = o.seed; performance.now() - t0 < o.budgetMs && runs < (o.maxRuns ?? Infinity) && o.signal?.aborted !== true; s++) {
    runs++;
    await pool.restart({ ...(o.variant === undefined ? {} : { variant: o.variant }), idle: 'poll', trace: false });
    const calls = randomCalls(s, o.cpus);
    const ids = calls.map(([cpu, req]) => pool.post(cpu, req));
    const q = await pool.quiesce(Math.max(1000, Math.min(3000, o.budgetMs)));
    const v: Verdict = q.status === 'quiescent'
      ? violatedInvariant('quiescent', q.accounting) ?? runsVerdict(pool.mem, calls, ids, o.cpus)
      : { id: 'INV-NO-DEADLOCK', message: `${q.status}: ${q.message ?? ''}` };
    if (v === null) continue;
    return {
      technique: 'threads', status: 'caught', invariant: v.id, runs, timeMs: performance.now() - t0, ceLength: null,
      message: `${v.message} (seed ${s}; threads runs are not replayable, so not shrunk)`,
    };
  }
  return { technique: 'threads', status: 'missed', invariant: null, runs, timeMs: performance.now() - t0, ceLength: null, message: null };
}
