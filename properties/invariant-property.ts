/**
 * One named property per invariant ID, and its outcome as data: pass, or a Counterexample
 * (model/types.ts) with the shrunk commands, a per-CPU timeline of the trace and a replay line.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../impl/variant.js';
import type { AbstractCoverage } from '../model/abstract-coverage.js';
import { invariantById } from '../model/invariants.js';
import type { Counterexample, InvariantId } from '../model/types.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { executeCommands, smpProperty, type PropertyArgs, type RunStats } from './property.js';
import { PropertyViolation } from './real-system.js';
import { interruptible } from './interruptible.js';
import { encodeReplayToken, variantOfToken } from './replay-token.js';
import { timelineOf } from './timeline.js';

export interface InvariantRunOptions {
  readonly id: InvariantId;
  readonly cpus: number;
  readonly seed: number;
  readonly runs: number;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  readonly maxCommands?: number;
  /** replay exactly one failing path (from a token) */
  readonly path?: string;
  /** fc.commands replayPath of that failure (which commands ran): needed with `path` */
  readonly replayPath?: string;
  /** idle loop of the impl CPUs: poll first (default) or halt at once (no polling rescue) */
  readonly idle?: 'poll' | 'halt';
  /** abstract state coverage of every run (not of the counterexample's re-run) */
  readonly abstract?: AbstractCoverage;
  /** memory model of the protocol's accesses (default sc) */
  readonly memory?: MemoryModel;
}

export interface InvariantOutcome {
  readonly id: InvariantId;
  readonly sentence: string;
  readonly failed: boolean;
  /** runs executed until the first failure (or all runs) */
  readonly runs: number;
  readonly stats: RunStats;
  readonly elapsedMs: number;
  readonly counterexample: Counterexample | null;
  /** set when the run failed for a reason that is not an invariant violation (harness bug) */
  readonly error: string | null;
  /** Ctrl-C stopped the campaign (or its shrinking) early; `runs` says how far it got */
  readonly interrupted?: boolean;
}

export function sentenceOf(id: InvariantId): string {
  const inv = invariantById(id);
  if (inv === undefined) throw new RangeError(`invariant: unknown id '${id}'`);
  return inv.sentence;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

function setup(o: InvariantRunOptions): { cfg: Parameters<typeof smpProperty>[0]; stats: RunStats; params: fc.Parameters<PropertyArgs> } {
  const cfg = {
    cpus: o.cpus, select: [o.id], variant: o.variant,
    ...(o.maxCommands === undefined ? {} : { maxCommands: o.maxCommands }),
    ...(o.replayPath === undefined ? {} : { replayPath: o.replayPath }),
    ...(o.idle === undefined ? {} : { idle: o.idle }),
    ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }),
  };
  const stats: RunStats = { runs: 0, commands: 0, steps: 0 };
  const params: fc.Parameters<PropertyArgs> = o.path === undefined
    ? { seed: o.seed, numRuns: o.runs }
    : { seed: o.seed, numRuns: o.runs, path: o.path, endOnFailure: true };
  return { cfg, stats, params };
}

/** The campaign's runs also feed the abstract coverage (the counterexample's re-run does not). */
function measured(o: InvariantRunOptions, cfg: Parameters<typeof smpProperty>[0]): Parameters<typeof smpProperty>[0] {
  return o.abstract === undefined ? cfg : { ...cfg, abstract: o.abstract };
}

export function runInvariantProperty(o: InvariantRunOptions): InvariantOutcome {
  const { cfg, stats, params } = setup(o);
  const t0 = performance.now();
  const res = fc.check(smpProperty(measured(o, cfg), stats), params);
  return outcomeOf(o, cfg, stats, res, performance.now() - t0);
}

/** The same campaign, stoppable by Ctrl-C (`signal`) between runs: see interruptible.ts. */
export async function runInvariantPropertyAsync(o: InvariantRunOptions, signal: AbortSignal): Promise<InvariantOutcome> {
  const { cfg, stats, params } = setup(o);
  const t0 = performance.now();
  const res = await fc.check(interruptible(smpProperty(measured(o, cfg), stats), signal), params);
  return outcomeOf(o, cfg, stats, res, performance.now() - t0);
}

function outcomeOf(o: InvariantRunOptions, cfg: Parameters<typeof smpProperty>[0], stats: RunStats, res: fc.RunDetails<PropertyArgs>, elapsedMs: number): InvariantOutcome {
  const sentence = sentenceOf(o.id);
  if (!res.failed || res.counterexample === null) {
    return { id: o.id, sentence, failed: false, runs: res.numRuns, stats, elapsedMs, counterexample: null, error: null, interrupted: res.interrupted };
  }
  const [cmds, finalSeed] = res.counterexample;
  const rerun = executeCommands(cfg, cmds, finalSeed);
  const err = res.errorInstance;
  const violation = err instanceof PropertyViolation ? err.violation : null;
  const token = encodeReplayToken({
    v: 1, inv: o.id, cpus: o.cpus, faults: [], ...variantOfToken(o.variant), seed: res.seed, path: res.counterexamplePath,
    replayPath: /replayPath="([^"]*)"/.exec(fc.stringify(cmds))?.[1] ?? '',
    runs: o.runs, ...(o.maxCommands === undefined ? {} : { maxCommands: o.maxCommands }),
    ...(o.idle === undefined ? {} : { idle: o.idle }),
    ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }),
  });
  const counterexample: Counterexample = {
    invariant: o.id, sentence,
    message: violation?.message ?? firstLine(err),
    steps: rerun.ran,
    timeline: timelineOf(rerun.real),
    replay: `npx smpcheck replay ${token}${o.variant === undefined ? '' : `  # variant ${o.variant.id}`}`,
  };
  return {
    id: o.id, sentence, failed: true, runs: res.numRuns, stats, elapsedMs, counterexample,
    error: violation === null ? firstLine(err) : null, interrupted: res.interrupted,
  };
}

