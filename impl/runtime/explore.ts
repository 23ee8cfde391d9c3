/**
 * Bounded exhaustive search for tiny configurations: preemption-bounded DFS over schedules
 * (stateless: every schedule is a fresh run from the same calls). A preemption is choosing another
 * actor while the one that ran last is still enabled. Under `--memory tso|lkmm` the memory
 * decisions (which store a load reads, which buffered store drains) are enumerated too, at no
 * preemption cost (DfsScheduler.choose).
 */
import { DfsScheduler } from './schedulers.js';
import type { DeterministicResult, DeterministicSystem } from './deterministic.js';

export interface ExploreOptions {
  readonly maxPreemptions: number;
  /** stop after this many runs (the search is then incomplete) */
  readonly maxRuns: number;
  /** return a failure message, or null when the run is fine */
  readonly check: (r: DeterministicResult, sys: DeterministicSystem) => string | null;
}

export interface ExploreResult {
  readonly runs: number;
  readonly complete: boolean;
  readonly failure?: { readonly message: string; readonly schedule: string };
  /** the async search was stopped (its signal) before it was complete */
  readonly interrupted?: boolean;
}

/** The search, one run per iteration: yields after each run that neither failed nor ended it. */
function* search(make: (s: DfsScheduler) => DeterministicSystem, opts: ExploreOptions): Generator<number, ExploreResult, void> {
  let prefix: number[] = [];
  let runs = 0;
  for (;;) {
    const sched = new DfsScheduler(prefix);
    const sys = make(sched);
    const r = sys.runToQuiescence();
    runs++;
    const msg = opts.check(r, sys);
    if (msg !== null) return { runs, complete: false, failure: { message: msg, schedule: r.schedule } };
    // backtrack: deepest step with an untried candidate within the preemption budget
    const seen = sched.seen;
    const pre: number[] = [];
    let p = 0;
    for (const s of seen) {
      pre.push(p);
      if (s.idx > 0 && s.preemptive) p++;
    }
    let k = seen.length - 1;
    let next: number[] | null = null;
    for (; k >= 0; k--) {
      const s = seen[k];
      if (s === undefined) continue;
      const nextIdx = s.idx + 1;
      if (nextIdx >= s.n) continue;
      const cost = s.preemptive ? 1 : 0;
      if ((pre[k] ?? 0) + cost > opts.maxPreemptions) continue;
      next = seen.slice(0, k).map((x) => x.idx);
      next.push(nextIdx);
      break;
    }
    if (next === null) return { runs, complete: true };
    if (runs >= opts.maxRuns) return { runs, complete: false };
    prefix = next;
    yield runs;
  }
}

export function exploreExhaustive(make: (s: DfsScheduler) => DeterministicSystem, opts: ExploreOptions): ExploreResult {
  const it = search(make, opts);
  for (;;) {
    const r = it.next();
    if (r.done === true) return r.value;
  }
}

/** The same search, giving the event loop a turn every `slice` runs so `signal` (Ctrl-C) can stop it. */
export async function exploreExhaustiveAsync(make: (s: DfsScheduler) => DeterministicSystem, opts: ExploreOptions & { readonly signal?: AbortSignal; readonly slice?: number }): Promise<ExploreResult> {
  const it = search(make, opts);
  const slice = opts.slice ?? 64;
  for (;;) {
    const r = it.next();
    if (r.done === true) return r.value;
    if (r.value % slice === 0) {
      await new Promise<void>((res) => { setImmediate(res); });
      if (opts.signal?.aborted === true) return { runs: r.value, complete: false, interrupted: true };
    }
  }
}
