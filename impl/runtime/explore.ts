/**
 * Bounded exhaustive search for tiny configurations: preemption-bounded DFS over schedules
 * (stateless: every schedule is a fresh run from the same calls). A preemption is choosing another
 * actor while the one that ran last is still enabled.
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
}

export function exploreExhaustive(make: (s: DfsScheduler) => DeterministicSystem, opts: ExploreOptions): ExploreResult {
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
  }
}
