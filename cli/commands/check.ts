/**
 * `smpcheck check`: the fast-check model-based property suite against the implementation on one
 * runtime — one property per invariant ID, refinement against the model, coverage from the replay.
 */
import { Option } from 'commander';
import { modelCharts } from '../model-run.js';
import { parseImplFaults, propertySectionHtml, runProperties } from '../property-run.js';
import { defineRunCommand } from '../run-command.js';
import { abstractLogLines, abstractReachable, abstractReport, guidedViolations } from '../abstract-run.js';
import { UsageError } from '../errors.js';

/** A finer ID of ours: the implementation refines the model (trace replay and quiescent views). */
export const REFINEMENT_SENTENCE = 'every implementation trace event is a step the model allows, and every quiescent state matches a model terminal state';

export const register = defineRunCommand({
  name: 'check',
  description: 'run the model-based property tests against the implementation (--runtime deterministic|threads)',
  title: 'smpcheck check',
  defaults: { runs: 100 },
  progressTotal: () => 0,
  configure: (cmd) => cmd
    .addOption(new Option('--fault <ids>', 'run against a deliberately broken implementation (comma-separated fault ids)'))
    .addOption(new Option('--guided', 'after the random runs, follow the model path of every uncovered abstract state/transition on the deterministic runtime')),
  async run(ctx, extra) {
    const faults = typeof extra.fault === 'string' ? parseImplFaults(extra.fault) : undefined;
    const guided = extra.guided === true;
    if (guided && ctx.options.runtime !== 'deterministic') throw new UsageError('--guided: needs --runtime deterministic (a schedule is followed step by step)');
    const reach = abstractReachable(ctx.options.cpus);
    const r = await runProperties({
      runtime: ctx.options.runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs,
      sharded: ctx.options.shard !== undefined, ...(faults === undefined ? {} : { faults }),
      abstract: reach, guided, signal: ctx.signal,
    });
    ctx.log(`check ${r.config.runtime}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${r.refinement.status}`);
    const abstract = abstractReport(reach, r.config.runtime === 'threads' ? { threads: r } : { properties: r });
    for (const l of abstractLogLines(abstract)) ctx.log(l);
    const counterexamples = [...r.counterexamples];
    const invariants = [...r.invariants, { id: 'INV-REFINEMENT' as const, sentence: REFINEMENT_SENTENCE, status: r.refinement.status, checks: r.refinement.runs }];
    if (r.refinement.status === 'fail') {
      counterexamples.push({
        invariant: 'INV-REFINEMENT', sentence: REFINEMENT_SENTENCE,
        message: r.refinement.message ?? 'refinement failed', steps: [], timeline: [],
        replay: `npx smpcheck check --runtime ${r.config.runtime} --cpus ${r.config.cpus} --seed ${r.config.seed} --runs ${r.config.runs}`,
      });
    }
    counterexamples.push(...guidedViolations(r));
    return {
      charts: modelCharts(r.coverage), coverage: { ...r.coverage, abstract }, invariants, counterexamples,
      sections: [{ title: 'Property tests', markdownOrHtml: propertySectionHtml([r]) }],
      completedRuns: r.stats.runs,
    };
  },
});
