/**
 * The model-based property over the deterministic runtime: fast-check generates the command list
 * (API calls, schedule steps, IPI deliveries, hotplug, quiescence) and one final schedule seed;
 * `fc.modelRun` executes it; every command and the final quiescence check the selected invariants.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../impl/variant.js';
import type { AbstractCoverage } from '../model/abstract-coverage.js';
import type { InvariantId } from '../model/types.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { initialModel, smpCommands, type SmpCommand } from './commands/index.js';
import { RealSystem } from './real-system.js';

export interface PropertyConfig {
  readonly cpus: number;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  /** invariants this property judges; empty = all */
  readonly select?: readonly InvariantId[];
  readonly maxCommands?: number;
  readonly idle?: 'poll' | 'halt';
  readonly replayPath?: string;
  readonly abstract?: AbstractCoverage;
  /** memory model of the protocol's accesses (default sc) */
  readonly memory?: MemoryModel;
}

export type PropertyArgs = [Iterable<SmpCommand>, number];

/** Counters for the figures (runs/s, commands/s), updated by every run. */
export interface RunStats {
  runs: number;
  commands: number;
  steps: number;
}

export function realConfig(cfg: PropertyConfig): ConstructorParameters<typeof RealSystem>[0] {
  return {
    cpus: cfg.cpus, variant: cfg.variant, select: cfg.select ?? [], idle: cfg.idle ?? 'poll',
    ...(cfg.abstract === undefined ? {} : { abstract: cfg.abstract }),
    ...(cfg.memory === undefined ? {} : { memory: cfg.memory }),
  };
}

/** Execute one command list by hand (no fast-check): used to rebuild a counterexample's trace. */
export function executeCommands(cfg: PropertyConfig, cmds: Iterable<SmpCommand>, finalSeed: number): { real: RealSystem; ran: string[]; error: unknown } {
  const real = new RealSystem(realConfig(cfg));
  const model = initialModel(cfg.cpus);
  const ran: string[] = [];
  try {
    for (const c of cmds) {
      if (!c.check(model)) continue;
      ran.push(c.toString());
      c.run(model, real);
    }
    ran.push(`final run to quiescence (schedule seed ${finalSeed})`);
    real.quiesce(finalSeed);
    real.assertHolds();
  } catch (e) {
    return { real, ran, error: e };
  }
  return { real, ran, error: null };
}

export function smpProperty(cfg: PropertyConfig, stats?: RunStats): fc.IPropertyWithHooks<PropertyArgs> {
  const arb = smpCommands({ cpus: cfg.cpus, ...(cfg.maxCommands === undefined ? {} : { maxCommands: cfg.maxCommands }), ...(cfg.replayPath === undefined ? {} : { replayPath: cfg.replayPath }) });
  return fc.property(arb, fc.nat(0xffff), (cmds, finalSeed) => {
    let real: RealSystem | undefined;
    const setup = () => {
      real = new RealSystem(realConfig(cfg));
      return { model: initialModel(cfg.cpus), real };
    };
    try {
      fc.modelRun(setup, cmds);
      real?.quiesce(finalSeed);
      real?.assertHolds();
    } finally {
      if (stats !== undefined && real !== undefined) {
        stats.runs++;
        stats.commands += real.hostLog.length;
        stats.steps += real.sys.stepCount;
      }
    }
  });
}
