/**
 * The property technique: the model-based fast-check property of properties/ (deterministic
 * runtime, fast-check chooses calls, schedule steps, IPI deliveries, hotplug) judging every
 * invariant, one seed after another, each with the budget. Time and runs to the first failure are
 * taken when the first failing run returns (before shrinking); the counterexample length is the
 * number of commands of the shrunk case.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../impl/variant.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { executeCommands, smpProperty, type PropertyArgs, type PropertyConfig, type RunStats } from '../properties/property.js';
import { PropertyViolation } from '../properties/real-system.js';
import { interruptible } from '../properties/interruptible.js';
import type { TechniqueResult } from './result.js';

export interface PropsOptions {
  readonly variant?: ImplVariant | undefined;
  readonly cpus: number;
  readonly seed: number;
  readonly seeds: number;
  readonly budgetMs: number;
  /** Ctrl-C: stops the seed in progress within a run; the remaining seeds are not run */
  readonly signal?: AbortSignal;
  /** memory model of the deterministic runtime (default sc) */
  readonly memory?: MemoryModel;
}

interface SeedOutcome {
  readonly caught: boolean;
  readonly timeMs: number;
  readonly runs: number;
  readonly invariant: string | null;
  readonly ceLength: number | null;
  readonly message: string | null;
}

/** One seed: fc.check with a time limit; the first failing run is noted through a wrapped `run`. */
export async function propsSeed(cfg: PropertyConfig, seed: number, budgetMs: number, signal: AbortSignal = new AbortController().signal): Promise<SeedOutcome> {
  const stats: RunStats = { runs: 0, commands: 0, steps: 0 };
  const prop = smpProperty(cfg, stats);
  let first: { ms: number; runs: number } | null = null;
  const t0 = performance.now();
  const watched: fc.IPropertyWithHooks<PropertyArgs> = new Proxy(prop, {
    get(target, key, recv) {
      const v: unknown = Reflect.get(target, key, recv);
      if (key === 'run' && typeof v === 'function') {
        return (...args: unknown[]): unknown => {
          const out: unknown = Reflect.apply(v, target, args);
          if (first === null && out !== null && !fc.PreconditionFailure.isFailure(out)) first = { ms: performance.now() - t0, runs: stats.runs };
          return out;
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // `seed | 0`: fast-check's signed 32-bit seed for any smpcheck seed (0..4294967295, see cli/property-run.ts).
  const res = await fc.check(interruptible(watched, signal), { seed: seed | 0, numRuns: 1_000_000, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false });
  const hit = first as { ms: number; runs: number } | null;
  if (!res.failed || res.counterexample === null || hit === null) {
    return { caught: false, timeMs: performance.now() - t0, runs: res.numRuns, invariant: null, ceLength: null, message: null };
  }
  const [cmds, finalSeed] = res.counterexample;
  const rerun = executeCommands(cfg, cmds, finalSeed);
  const err = res.errorInstance;
  const v = err instanceof PropertyViolation ? err.violation : null;
  return {
    caught: true, timeMs: hit.ms, runs: hit.runs, invariant: v?.id ?? 'harness-error',
    ceLength: rerun.ran.length, message: (v?.message ?? (err instanceof Error ? err.message : String(err))).split('\n')[0] ?? '',
  };
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] ?? null : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function propertyTechnique(o: PropsOptions): Promise<TechniqueResult> {
  const cfg: PropertyConfig = { cpus: o.cpus, variant: o.variant, select: [], ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }) };
  const outs: SeedOutcome[] = [];
  for (let i = 0; i < o.seeds && o.signal?.aborted !== true; i++) outs.push(await propsSeed(cfg, o.seed + i, o.budgetMs, o.signal));
  const hits = outs.filter((x) => x.caught);
  const firstHit = hits[0];
  const times = hits.map((h) => h.timeMs);
  const seeds = { caught: hits.length, total: outs.length, medianMs: median(times), maxMs: times.length === 0 ? null : Math.max(...times) };
  if (firstHit === undefined) {
    return {
      technique: 'props', status: 'missed', invariant: null, runs: outs.reduce((a, x) => a + x.runs, 0),
      timeMs: outs.reduce((a, x) => a + x.timeMs, 0), ceLength: null, message: null, seeds,
    };
  }
  return {
    technique: 'props', status: 'caught', invariant: firstHit.invariant, runs: firstHit.runs, timeMs: firstHit.timeMs,
    ceLength: firstHit.ceLength, message: firstHit.message, seeds,
  };
}
