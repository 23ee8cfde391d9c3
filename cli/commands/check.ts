/**
 * `smpcheck check`: the fast-check model-based property suite against the implementation on one
 * runtime — one property per invariant ID, refinement against the model, coverage from the replay.
 */
import { Option } from 'commander';
import { modelCharts } from '../model-run.js';
import { CoverageCounter } from '../../model/coverage.js';
import { selectedVariant } from '../options.js';
import { checkWorkloadFile } from '../workload-check.js';
import { propertySectionHtml, runProperties } from '../property-run.js';
import { defineRunCommand } from '../run-command.js';

/** A finer ID of ours: the implementation refines the model (trace replay and quiescent views). */
export const REFINEMENT_SENTENCE = 'every implementation trace event is a step the model allows, and every quiescent state matches a model terminal state';

export const register = defineRunCommand({
  name: 'check',
  description: 'run the model-based property tests against the implementation (--runtime deterministic|threads)',
  title: 'smpcheck check',
  defaults: { runs: 100 },
  progressTotal: () => 0,
  configure: (cmd) => cmd
    .addOption(new Option('--fault <id>', 'run a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('--workload <file>', 'run your own workload (.ts/.js/.json) on the implementation under --runs schedules, checked by refinement against the model')),
  async run(ctx, extra) {
    const variant = await selectedVariant(extra);
    if (typeof extra.workload === 'string') {
      const w = await checkWorkloadFile({ file: extra.workload, cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs, variant, log: ctx.log });
      return { charts: [], coverage: new CoverageCounter(['check:workload']).report([]), invariants: w.invariants, counterexamples: w.counterexamples, completedRuns: w.runs };
    }
    const r = await runProperties({
      runtime: ctx.options.runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs: ctx.runs,
      sharded: ctx.options.shard !== undefined, variant,
    });
    ctx.log(`check ${r.config.runtime}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${r.refinement.status}`);
    const counterexamples = [...r.counterexamples];
    const invariants = [...r.invariants, { id: 'INV-REFINEMENT' as const, sentence: REFINEMENT_SENTENCE, status: r.refinement.status, checks: r.refinement.runs }];
    if (r.refinement.status === 'fail') {
      counterexamples.push({
        invariant: 'INV-REFINEMENT', sentence: REFINEMENT_SENTENCE,
        message: r.refinement.message ?? 'refinement failed', steps: [], timeline: [],
        replay: `npx smpcheck check --runtime ${r.config.runtime} --cpus ${r.config.cpus} --seed ${r.config.seed} --runs ${r.config.runs}${variant === undefined ? '' : ` ${variant.arg}`}`,
      });
    }
    return {
      charts: modelCharts(r.coverage), coverage: r.coverage, invariants, counterexamples,
      sections: [{ title: 'Property tests', markdownOrHtml: propertySectionHtml([r]) }],
      completedRuns: r.stats.runs,
    };
  },
});
