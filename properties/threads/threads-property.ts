/**
 * The model-based property on the threads runtime (`fc.asyncModelRun`): few runs, one worker pool
 * reused across runs and across shrinking.
 */
import fc from 'fast-check';
import type { ImplVariant } from '../../impl/variant.js';
import type { ThreadsSystem } from '../../impl/runtime/threads.js';
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import type { InvariantId } from '../../model/types.js';
import { smpCommandArbs } from '../commands/index.js';
import { initialModel } from '../commands/model.js';
import { ThreadsCommand, type AsyncSmpCommand } from './async-commands.js';
import { ThreadsReal } from './threads-real.js';

export interface ThreadsPropertyConfig {
  readonly pool: ThreadsSystem;
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  readonly select?: readonly InvariantId[];
  readonly maxCommands?: number;
  readonly stats?: { runs: number; commands: number };
  /** sampled abstract state coverage (ThreadsReal.sampleInto) */
  readonly abstract?: AbstractCoverage;
}

export function threadsProperty(cfg: ThreadsPropertyConfig): fc.IAsyncPropertyWithHooks<[Iterable<AsyncSmpCommand>]> {
  const n = cfg.pool.mem.L.ncpus;
  const arbs = smpCommandArbs(n).map((a) => a.map((c) => new ThreadsCommand(c)));
  return fc.asyncProperty(fc.commands(arbs, { maxCommands: cfg.maxCommands ?? 12, size: 'max' }), async (cmds) => {
    let real: ThreadsReal | undefined;
    try {
      await fc.asyncModelRun(async () => {
        real?.stopSampling();
        await cfg.pool.restart({ ...(cfg.variant === undefined ? {} : { variant: cfg.variant }), idle: 'poll' });
        real = new ThreadsReal(cfg.pool, cfg.select ?? []);
        if (cfg.abstract !== undefined) real.sampleInto(cfg.abstract);
        return { model: initialModel(n), real };
      }, cmds);
      if (real === undefined) return;
      await real.quiesce();
    } finally {
      real?.stopSampling();
    }
    if (cfg.stats !== undefined) {
      cfg.stats.runs++;
      cfg.stats.commands += real.hostLog.length;
    }
    real.assertHolds();
  });
}
