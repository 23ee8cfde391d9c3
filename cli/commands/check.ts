/**
 * `smpcheck check`: the fast-check model-based property suite against the implementation on one
 * runtime — one property per invariant ID, refinement against the model, coverage from the replay.
 * Every counterexample (INV-REFINEMENT included) carries a per-CPU timeline and a replay token.
 */
import { Option } from 'commander';
import type { FaultId } from '../../impl/faults.js';
import { REFINEMENT_SENTENCE } from '../../properties/index.js';
import { modelCharts } from '../model-run.js';
import { parseImplFaults, propertiesJson, propertySectionHtml, propertyStage, refinementInvariant, runProperties } from '../property-run.js';
import { defineRunCommand } from '../run-command.js';

export { REFINEMENT_SENTENCE };

export const register = defineRunCommand({
  name: 'check',
  description: 'run the model-based property tests against the implementation (--runtime deterministic|threads)',
  title: 'smpcheck check',
  defaults: { runs: 100 },
  progressTotal: () => 0,
  configure: (cmd) => cmd.addOption(new Option('--fault <ids>', 'run against a deliberately broken implementation (comma-separated fault ids)').argParser(parseImplFaults)),
  async run(ctx, extra) {
    const faults = Array.isArray(extra.fault) ? (extra.fault as FaultId[]) : undefined;
    const r = await runProperties({
      runtime: ctx.options.runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs,
      sharded: ctx.options.shard !== undefined, ...(faults === undefined ? {} : { faults }), signal: ctx.signal, log: ctx.log,
    });
    ctx.log(`check ${r.config.runtime}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${refinementInvariant(r).status}`);
    const stage = propertyStage(r);
    return {
      charts: modelCharts(r.coverage), coverage: r.coverage, invariants: stage.invariants, counterexamples: r.counterexamples,
      sections: [{ title: 'Property tests', markdownOrHtml: propertySectionHtml([r]) }],
      stages: [stage],
      json: { properties: propertiesJson(r) },
      completedRuns: r.stats.runs,
    };
  },
});
