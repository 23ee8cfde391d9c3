/**
 * Strategies for the deterministic runtime. Each picks one actor id among the enabled ones:
 * 0..cpus-1 = run that CPU one step, cpus..2*cpus-1 = deliver the pending IPI to CPU id-cpus.
 */
export interface Scheduler {
  readonly name: string;
  /** Called once before a run. */
  newExecution(actors: number): void;
  /** enabled is sorted ascending and non-empty; `last` is the previous actor or -1. */
  next(enabled: readonly number[], last: number, step: number): number;
  /**
   * A memory decision of a weak memory model (`--memory tso|lkmm`): an option in [0, n), n ≥ 2;
   * 0 is the SC-like default (the newest store, no drain). Never asked under sc. Absent: 0.
   */
  choose?(n: number): number;
}

/** mulberry32: small, fast, good enough for schedules; the seed makes a run reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomScheduler(seed: number): Scheduler {
  let r = rng(seed);
  return {
    name: `random(${seed})`,
    newExecution() { r = rng(seed); },
    next(enabled) { return enabled[Math.floor(r() * enabled.length)] ?? 0; },
    choose(n) { return Math.floor(r() * n); },
  };
}

/**
 * PCT (Burckhardt et al. 2010): random distinct priorities, d-1 priority change points among the
 * first `k` steps; always run the highest-priority enabled actor. Finds depth-d bugs with
 * probability ≥ 1/(n·k^(d-1)).
 */
export function pctScheduler(seed: number, depth: number, k = 2000): Scheduler {
  let prio: number[] = [];
  let changes: number[] = [];
  let r = rng(seed);
  return {
    name: `pct(${seed},d=${depth},k=${k})`,
    newExecution(actors) {
      r = rng(seed);
      prio = Array.from({ length: actors }, (_, i) => i + depth);
      for (let i = prio.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        const t = prio[i] ?? 0;
        prio[i] = prio[j] ?? 0;
        prio[j] = t;
      }
      changes = Array.from({ length: Math.max(0, depth - 1) }, () => 1 + Math.floor(r() * k));
    },
    next(enabled, _last, step) {
      let best = enabled[0] ?? 0;
      for (const a of enabled) if ((prio[a] ?? 0) > (prio[best] ?? 0)) best = a;
      const ci = changes.indexOf(step);
      if (ci >= 0) prio[best] = ci; // below every initial priority (those start at depth)
      return best;
    },
    choose(n) { return Math.floor(r() * n); },
  };
}

export class ReplayDivergence extends Error {
  constructor(step: number, want: number, enabled: readonly number[], what = 'actor') {
    super(what === 'actor'
      ? `replay diverged at step ${step}: actor ${want} is not enabled (enabled: ${enabled.join(',')})`
      : `replay diverged at step ${step}: memory choice ${want} is not one of ${enabled.length} options`);
    this.name = 'ReplayDivergence';
  }
}

/** Replays a recorded step list: actors, and (tso/lkmm) the memory choices between them, in order. */
export function replayScheduler(steps: Uint8Array): Scheduler {
  let at = 0;
  let step = 0;
  return {
    name: 'replay',
    newExecution() { at = 0; step = 0; },
    next(enabled, _last, s) {
      step = s;
      const a = steps[at++];
      if (a === undefined || !enabled.includes(a)) throw new ReplayDivergence(s, a ?? -1, enabled);
      return a;
    },
    choose(n) {
      const k = steps[at++];
      if (k === undefined || k >= n) throw new ReplayDivergence(step, k ?? -1, Array.from({ length: n }, (_, i) => i), 'choice');
      return k;
    },
  };
}

/** Ordered candidates at one step: the last actor first if still enabled (no preemption). */
export function candidates(enabled: readonly number[], last: number): number[] {
  return enabled.includes(last) ? [last, ...enabled.filter((a) => a !== last)] : [...enabled];
}

/** Follows a prefix of candidate indices, then the non-preemptive default; records what it saw. */
export class DfsScheduler implements Scheduler {
  readonly name = 'dfs';
  /** per step: number of candidates, chosen index, whether index>0 costs a preemption */
  readonly seen: { n: number; idx: number; preemptive: boolean }[] = [];
  constructor(private readonly prefix: readonly number[]) {}
  newExecution(): void {
    this.seen.length = 0;
  }
  next(enabled: readonly number[], last: number): number {
    const cand = candidates(enabled, last);
    const idx = Math.min(this.prefix[this.seen.length] ?? 0, cand.length - 1);
    this.seen.push({ n: cand.length, idx, preemptive: enabled.includes(last) });
    return cand[idx] ?? 0;
  }

  /** Memory decisions are enumerated like actors (not preemptions: they cost no budget). */
  choose(n: number): number {
    const idx = Math.min(this.prefix[this.seen.length] ?? 0, n - 1);
    this.seen.push({ n, idx, preemptive: false });
    return idx;
  }
}

/** Directed tests: always the first enabled actor of `order` (then the lowest enabled id). */
export function priorityScheduler(order: readonly number[]): Scheduler {
  return {
    name: `priority(${order.join(',')})`,
    newExecution() { /* stateless */ },
    choose() { return 0; },
    next(enabled) {
      for (const a of order) if (enabled.includes(a)) return a;
      return enabled[0] ?? 0;
    },
  };
}
