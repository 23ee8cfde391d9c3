/**
 * `smpcheck check`: the fast-check model-based property suite against the implementation on one
 * runtime — one property per invariant ID, refinement against the model, coverage from the replay.
 * Every counterexample (INV-REFINEMENT included) carries a per-CPU timeline and a replay token.
 * `--workload FILE` instead runs the user's own workload(s) under --runs schedules.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { REFINEMENT_SENTENCE } from '../../properties/index.js';
import { CoverageCounter } from '../../model/coverage.js';
import { modelCharts } from '../model-run.js';
import { checkWorkloadFile, loadCheckWorkloads, type FileWorkload } from '../workload-check.js';
import { propertiesJson, propertySectionHtml, propertyStage, refinementInvariant, runProperties } from '../property-run.js';
import { defineRunCommand } from '../run-command.js';
import { abstractLogLines, abstractReachable, abstractReport, guidedViolations } from '../abstract-run.js';
import { memoryOption, parseMemoryOption } from '../memory-option.js';

export { REFINEMENT_SENTENCE };

export const register = defineRunCommand({
  name: 'check',
  description: 'run the model-based property tests against the implementation (--runtime deterministic|threads)',
  title: 'smpcheck check',
  defaults: { runs: 100 },
  progressTotal: () => 0,
  configure: (cmd) => cmd
    .addOption(new Option('--fault <id>', 'run a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(memoryOption())
    .addOption(new Option('--workload <file>', 'run your own workload (.ts/.js/.json) on the implementation under --runs schedules, checked by refinement against the model'))
    .addOption(new Option('--guided', 'after the random runs, follow the model path of every uncovered abstract state/transition on the deterministic runtime')),
  prepare: async (raw) => {
    const memory = parseMemoryOption(raw);
    if (raw.guided === true && raw.runtime !== undefined && raw.runtime !== 'deterministic') throw new UsageError('--guided: needs --runtime deterministic (a schedule is followed step by step)');
    if (raw.guided === true && typeof raw.workload === 'string') throw new UsageError('--guided: not with --workload (the guided pass follows the default workloads)');
    if (raw.guided === true && memory !== 'sc') throw new UsageError(`--guided: the guided pass follows model paths under sc only, not --memory ${memory}`);
    return { memory, ...(typeof raw.workload === 'string' ? { workloads: await loadCheckWorkloads(raw.workload, typeof raw.cpus === 'number' ? raw.cpus : 3) } : {}) };
  },
  async run(ctx, extra) {
    const variant = ctx.variant;
    if (typeof extra.workload === 'string') {
      const memory = extra.memory === 'tso' || extra.memory === 'lkmm' ? extra.memory : 'sc';
      const w = checkWorkloadFile({ file: extra.workload, workloads: extra.workloads as FileWorkload[], cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs, variant, log: ctx.log, memory });
      return { charts: [], coverage: new CoverageCounter(['check:workload']).report([]), invariants: w.invariants, counterexamples: w.counterexamples, completedRuns: w.runs };
    }
    const reach = abstractReachable(ctx.options.cpus);
    const r = await runProperties({
      runtime: ctx.options.runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs,
      sharded: ctx.options.shard !== undefined, variant, signal: ctx.signal, log: ctx.log, abstract: reach, guided: extra.guided === true,
      memory: extra.memory === 'sc' || extra.memory === 'tso' || extra.memory === 'lkmm' ? extra.memory : 'sc',
    });
    ctx.log(`check ${r.config.runtime} memory=${r.config.memory}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${refinementInvariant(r).status}`);
    const abstract = abstractReport(reach, r.config.runtime === 'threads' ? { threads: r } : { properties: r });
    for (const l of abstractLogLines(abstract)) ctx.log(l);
    const stage = propertyStage(r);
    return {
      charts: modelCharts(r.coverage), coverage: { ...r.coverage, abstract }, invariants: stage.invariants, counterexamples: [...r.counterexamples, ...guidedViolations(r, variant?.arg)],
      sections: [{ title: 'Property tests', markdownOrHtml: propertySectionHtml([r]) }],
      stages: [stage],
      json: { properties: propertiesJson(r) },
      completedRuns: r.stats.runs,
    };
  },
});
