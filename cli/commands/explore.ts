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

function bounded(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${text}: must be an integer from ${min} to ${max}`);
    return n;
  };
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
    .addOption(new Option('--swarm <n>', 'run n swarm searches (own hash seed, successor order, depth bound each) in this process').argParser(bounded('--swarm', 1, 1000))),
  progressTotal: () => 0,
  prepare: async (raw, selected) => {
    if (raw.swarm !== undefined && raw.shard !== undefined) throw new UsageError('--swarm and --shard: give one (--shard i/n runs one search of a swarm of n)');
    return {
      workloads: await parseWorkloads(typeof raw.workload === 'string' ? raw.workload : 'all', selected?.variant),
      modelVariant: selected === undefined ? undefined : modelVariantOf(selected),
    };
  },
  async run(ctx, extra) {
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
