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
import { CoverageCounter } from '../../model/index.js';
import { memoryOption, parseMemoryOption } from '../memory-option.js';
import { UsageError } from '../errors.js';
import { exploreImplementation, implExploreVerdicts, type ImplExploreOptions, type ImplExploreRow } from '../impl-explore.js';

function parsePreemptions(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 8) throw new UsageError(`--max-preemptions ${text}: must be an integer from 0 to 8`);
  return n;
}

export const register = defineRunCommand({
  name: 'explore',
  description: 'explore every reachable state of the model (all interleavings of a workload) and check every invariant',
  title: 'smpcheck explore',
  options: ['cpus'],
  configure: (cmd) => cmd
    .addOption(new Option('--workload <names>', 'workload name(s), comma-separated, "all", or a workload file (.ts/.js/.json)').default('all'))
    .addOption(new Option('--fault <id>', 'explore a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('--max-states <n>', 'stop a workload after this many states (the run is then incomplete)').argParser(parseRuns))
    .addOption(new Option('--impl', 'explore the implementation instead of the model: bounded DFS of schedules (and memory choices) on the deterministic runtime (cli/impl-explore.ts)'))
    .addOption(memoryOption())
    .addOption(new Option('--max-preemptions <n>', 'with --impl: preemption bound of the DFS (0-8)').default(1).argParser(parsePreemptions))
    .addOption(new Option('--max-runs <n>', 'with --impl: stop a workload after this many runs (the run is then incomplete)').default(20_000).argParser(parseRuns)),
  progressTotal: () => 0,
  prepare: async (raw, selected) => {
    const memory = parseMemoryOption(raw);
    const impl = raw.impl === true;
    if (!impl && memory !== 'sc') throw new UsageError(`--memory ${memory}: the model is explored under sc only; add --impl to explore the implementation under ${memory}`);
    return {
      workloads: await parseWorkloads(typeof raw.workload === 'string' ? raw.workload : 'all', selected?.variant),
      modelVariant: selected === undefined || impl ? undefined : modelVariantOf(selected),
      impl, memory,
    };
  },
  async run(ctx, extra) {
    if (extra.impl === true) {
      const o: ImplExploreOptions = {
        cpus: ctx.options.cpus, memory: extra.memory === 'tso' || extra.memory === 'lkmm' ? extra.memory : 'sc',
        maxPreemptions: typeof extra.maxPreemptions === 'number' ? extra.maxPreemptions : 1, maxRuns: typeof extra.maxRuns === 'number' ? extra.maxRuns : 20_000,
        signal: ctx.signal, ...(ctx.variant === undefined ? {} : { variant: ctx.variant.variant }),
      };
      const rows: ImplExploreRow[] = [];
      for (const w of extra.workloads as readonly Workload[]) {
        if (ctx.signal.aborted) break;
        const r = await exploreImplementation(w, o);
        rows.push(r);
        ctx.log(`explore --impl ${r.workload} cpus=${r.cpus} memory=${r.memory}: ${r.notChecked !== undefined ? `not checked: ${r.notChecked}` : `${r.runs} runs${r.complete ? ', complete' : r.interrupted ? ', INTERRUPTED' : r.failure === undefined ? `, INCOMPLETE (--max-runs ${o.maxRuns})` : ''}${r.failure === undefined ? '' : `, violated ${r.failure.invariant}`}`}`);
      }
      const v = implExploreVerdicts(rows, o, ctx.variant?.arg);
      const failed = v.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
      const cut = rows.filter((r) => r.notChecked === undefined && !r.complete && r.failure === undefined);
      const what = `${rows.length} workloads on the implementation, ${rows.reduce((a, r) => a + r.runs, 0)} runs, --memory ${o.memory}, ≤ ${o.maxPreemptions} preemptions`;
      const status = failed.length > 0 ? 'fail' : ctx.signal.aborted ? 'interrupted' : cut.length > 0 || rows.every((r) => r.notChecked !== undefined) ? 'incomplete' : 'pass';
      return {
        charts: [], coverage: new CoverageCounter(['explore:impl']).report([]), invariants: v.invariants, counterexamples: v.counterexamples,
        completedRuns: rows.reduce((a, r) => a + r.runs, 0),
        stages: [{ stage: 'explore:impl', status, detail: failed.length > 0 ? `${what}; violated ${failed.join(', ')}` : cut.length > 0 ? `${what}; incomplete: ${cut.map((r) => r.workload).join(', ')} (--max-runs ${o.maxRuns})` : what, invariants: v.invariants }],
        json: { implWorkloads: rows.map((r) => ({ workload: r.workload, cpus: r.cpus, memory: r.memory, runs: r.runs, complete: r.complete, interrupted: r.interrupted, elapsedMs: r.elapsedMs, ...(r.notChecked === undefined ? {} : { notChecked: r.notChecked }), ...(r.failure === undefined ? {} : { failure: r.failure }) })) },
      };
    }
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
