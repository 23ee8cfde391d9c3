/**
 * `smpcheck explore`: exhaustive exploration of the model for chosen workloads and CPU counts,
 * every invariant checked in every reachable state. Writes model.json beside the usual reports.
 * A bound (`--max-states`, `--table-mb`, `--max-depth`) that stops a workload early makes the run
 * "incomplete" (BOUND-REACHED), never a plain pass. `--workers N` shares the search between N
 * worker threads; `--shard i/n` / `--swarm n` run swarm searches (cli/swarm.ts), merged by
 * `smpcheck merge`. On a TTY a TLC-style progress line shows states found, distinct, queue, states/s.
 */
import { availableParallelism } from 'node:os';
import { Option } from 'commander';
import { modelCharts, modelStage, modelVariantOf, parseWorkloads, runModel, workloadsJson, writeModelJson, type ModelSearch } from '../model-run.js';
import { defineRunCommand } from '../run-command.js';
import { currentProgressEnv, progressMode } from '../progress.js';
import { UsageError } from '../errors.js';
import { swarmSearch, swarmSearches } from '../swarm.js';
import type { ExploreProgress, ModelVariant, Workload } from '../../model/index.js';
import { CoverageCounter } from '../../model/index.js';
import { parseRuns } from '../options.js';
import { memoryOption, parseMemoryOption } from '../memory-option.js';
import { exploreImplementation, implExploreVerdicts, type ImplExploreOptions, type ImplExploreRow } from '../impl-explore.js';

function bounded(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${text}: must be an integer from ${min} to ${max}`);
    return n;
  };
}
function parsePreemptions(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 8) throw new UsageError(`--max-preemptions ${text}: must be an integer from 0 to 8`);
  return n;
}
const parseWorkers = (text: string): number => (text === 'auto' ? Math.min(8, availableParallelism()) : bounded('--workers', 1, 8)(text));

/** `explore stress cpus=4: 1,234,567 states found, 456,789 distinct, 12,345 left on queue, depth 31, 98,765 states/s (12 s)` */
export function progressLine(workload: string, cpus: number, p: ExploreProgress): string {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const s = p.elapsedMs / 1000;
  return `explore ${workload} cpus=${cpus}: ${f(p.transitions + 1)} states found, ${f(p.states)} distinct, ${f(p.queue)} left on queue, depth ${p.depth}, ${f(p.states / Math.max(s, 1e-3))} states/s (${s.toFixed(0)} s)`;
}

export const register = defineRunCommand({
  name: 'explore',
  description: 'explore every reachable state of the model (all interleavings of a workload) and check every invariant',
  title: 'smpcheck explore',
  options: ['cpus', 'seed', 'shard'],
  configure: (cmd) => cmd
    .addOption(new Option('--workload <names>', 'workload name(s), comma-separated, "all", or a workload file (.ts/.js/.json)').default('all'))
    .addOption(new Option('--fault <id>', 'explore a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('--max-states <n>', 'stop a workload after this many states (the run is then incomplete)').argParser(bounded('--max-states', 1, 1_500_000_000)))
    .addOption(new Option('--workers <n>', 'worker threads sharing the search (1-8 or "auto"); 1 = this thread').argParser(parseWorkers).default(1))
    .addOption(new Option('--table-mb <n>', 'MiB for the fingerprint table (default: enough for --max-states); full = incomplete').argParser(bounded('--table-mb', 1, 16384)))
    .addOption(new Option('--max-depth <d>', 'swarm: depth bound (shard k of n uses ceil(d*(k+1)/n)); the run is then incomplete').argParser(bounded('--max-depth', 1, 100000)))
    .addOption(new Option('--swarm <n>', 'run n swarm searches (own hash seed, successor order, depth bound each) in this process').argParser(bounded('--swarm', 1, 1000)))
    .addOption(new Option('--impl', 'explore the implementation instead of the model: bounded DFS of schedules (and memory choices) on the deterministic runtime (cli/impl-explore.ts)'))
    .addOption(memoryOption())
    .addOption(new Option('--max-preemptions <n>', 'with --impl: preemption bound of the DFS (0-8)').default(1).argParser(parsePreemptions))
    .addOption(new Option('--max-runs <n>', 'with --impl: stop a workload after this many runs (the run is then incomplete)').default(20_000).argParser(parseRuns)),
  progressTotal: () => 0,
  prepare: async (raw, selected) => {
    if (raw.swarm !== undefined && raw.shard !== undefined) throw new UsageError('--swarm and --shard: give one (--shard i/n runs one search of a swarm of n)');
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
    const workers = typeof extra.workers === 'number' ? extra.workers : 1;
    const maxDepth = typeof extra.maxDepth === 'number' ? extra.maxDepth : undefined;
    const common: ModelSearch = { workers, ...(typeof extra.tableMb === 'number' ? { tableBytes: extra.tableMb * 2 ** 20 } : {}) };
    const seed = ctx.options.seed;
    const shard = ctx.options.shard;
    const swarm = typeof extra.swarm === 'number' ? extra.swarm : undefined;
    const searches: ModelSearch[] = shard !== undefined
      ? [{ ...common, ...swarmSearch(seed, shard, maxDepth) }]
      : swarm !== undefined
        ? swarmSearches(seed, swarm, maxDepth).map((s) => ({ ...common, ...s }))
        : [{ ...common, ...(maxDepth === undefined ? {} : { maxDepth }) }];
    const tty = progressMode(currentProgressEnv(ctx.options.json)) === 'bar';
    let last = 0;
    const onProgress = tty
      ? (w: string, p: ExploreProgress): void => {
        const now = Date.now();
        if (now - last < 1000) return;
        last = now;
        process.stderr.write(`\r${progressLine(w, ctx.options.cpus, p)}\x1b[K`);
      }
      : undefined;
    const result = await runModel({
      cpus: [ctx.options.cpus], workloads, fault, maxStates, signal: ctx.signal, searches,
      ...(onProgress === undefined ? {} : { onProgress }),
      onDone: (r) => {
        if (tty && last !== 0) process.stderr.write('\r\x1b[K');
        ctx.log(`explore ${r.workload} cpus=${r.cpus}${r.search?.shard == null ? '' : ` shard ${r.search.shard}`}: ${r.states} states, ${r.transitions} transitions, depth ${r.depth}, ${r.statesPerSecond} states/s, ${r.workers ?? 1} worker(s)${r.complete ? '' : `, INCOMPLETE (${r.bound ?? ''})`}${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`);
      },
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
