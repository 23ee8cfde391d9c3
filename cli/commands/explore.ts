/**
 * `smpcheck explore`: exhaustive exploration of the model for chosen workloads and CPU counts,
 * every invariant checked in every reachable state. Writes model.json beside the usual reports.
 * A bound (`--max-states`) that stops a workload early makes the run "incomplete" (BOUND-REACHED),
 * never a plain pass.
 */
import { Option } from 'commander';
import { modelCharts, modelStage, modelVariantOf, parseWorkloads, runModel, workloadsJson, writeModelJson } from '../model-run.js';
import { defineRunCommand } from '../run-command.js';
import { parseRuns } from '../options.js';
import type { ModelVariant, Workload } from '../../model/index.js';

export const register = defineRunCommand({
  name: 'explore',
  description: 'explore every reachable state of the model (all interleavings of a workload) and check every invariant',
  title: 'smpcheck explore',
  options: ['cpus'],
  configure: (cmd) => cmd
    .addOption(new Option('--workload <names>', 'workload name(s), comma-separated, "all", or a workload file (.ts/.js/.json)').default('all'))
    .addOption(new Option('--fault <id>', 'explore a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('--max-states <n>', 'stop a workload after this many states (the run is then incomplete)').argParser(parseRuns)),
  progressTotal: () => 0,
  prepare: async (raw, selected) => ({
    workloads: await parseWorkloads(typeof raw.workload === 'string' ? raw.workload : 'all', selected?.variant),
    modelVariant: selected === undefined ? undefined : modelVariantOf(selected),
  }),
  async run(ctx, extra) {
    const workloads = extra.workloads as readonly Workload[];
    const fault = extra.modelVariant as ModelVariant | undefined;
    const maxStates = typeof extra.maxStates === 'number' ? extra.maxStates : undefined;
    const result = await runModel({
      cpus: [ctx.options.cpus], workloads, fault, maxStates, signal: ctx.signal,
      onDone: (r) => { ctx.log(`explore ${r.workload} cpus=${r.cpus}: ${r.states} states, ${r.transitions} transitions, depth ${r.depth}, ${r.statesPerSecond} states/s${r.complete ? '' : `, INCOMPLETE (${r.bound ?? ''})`}${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`); },
    });
    const file = await writeModelJson(ctx.options.out, result);
    return {
      charts: modelCharts(result.coverage), coverage: result.coverage, invariants: result.invariants,
      counterexamples: result.counterexamples, completedRuns: result.completed,
      stages: [modelStage(result, { requireComplete: false, interrupted: ctx.signal.aborted })],
      json: { workloads: workloadsJson(result.rows) },
      files: [file],
    };
  },
});
