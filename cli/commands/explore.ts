/**
 * `smpcheck explore`: exhaustive exploration of the model for chosen workloads and CPU counts,
 * every invariant checked in every reachable state. Writes model.json beside the usual reports.
 */
import { Option } from 'commander';
import { modelCharts, modelVariantOf, parseWorkloads, runModel, writeModelJson } from '../model-run.js';
import { defineRunCommand } from '../run-command.js';
import { parseRuns, selectedVariant } from '../options.js';

export const register = defineRunCommand({
  name: 'explore',
  description: 'explore every reachable state of the model (all interleavings of a workload) and check every invariant',
  title: 'smpcheck explore',
  defaults: { runs: 1 },
  configure: (cmd) => cmd
    .addOption(new Option('--workload <names>', 'workload name(s), comma-separated, "all", or a workload file (.ts/.js/.json)').default('all'))
    .addOption(new Option('--fault <id>', 'explore a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('--max-states <n>', 'stop a workload after this many states').argParser((v) => parseRuns(v))),
  progressTotal: () => 0,
  async run(ctx, extra) {
    const selected = await selectedVariant(extra);
    const workloads = await parseWorkloads(typeof extra.workload === 'string' ? extra.workload : 'all', selected?.variant);
    const fault = selected === undefined ? undefined : modelVariantOf(selected);
    const maxStates = typeof extra.maxStates === 'number' ? extra.maxStates : undefined;
    const result = runModel({
      cpus: [ctx.options.cpus], workloads, fault, maxStates, signal: ctx.signal,
      onDone: (r) => { ctx.log(`explore ${r.workload} cpus=${r.cpus}: ${r.states} states, ${r.transitions} transitions, depth ${r.depth}, ${r.statesPerSecond} states/s${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`); },
    });
    await writeModelJson(ctx.options.out, result);
    return {
      charts: modelCharts(result.coverage), coverage: result.coverage, invariants: result.invariants,
      counterexamples: result.counterexamples, completedRuns: result.completed,
    };
  },
});
