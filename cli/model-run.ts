/**
 * The model part of `explore` and `verify`: explore each workload at each CPU count, merge the
 * results, and write `model.json`. Kept apart from the commands so both produce the same figures.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keptFourCpu } from '../model/explorer-four-cpu.js';
import {
  CoverageCounter, csdMachine, DEFAULT_WORKLOADS, exploreSteps, findWorkload, hotplugMachine,
  type ExploreProgress, type ExploreResult, type ModelVariant, type Workload,
} from '../model/index.js';
import { exploreParallel } from '../model/parallel-explorer.js';
import { modelVariant } from '../variants/index.js';
import type { Variant } from '../variants/format.js';
import type { SelectedVariant } from './options.js';
import { loadWorkloadFile } from './workload-file.js';
import type { ComponentCoverage, Counterexample, CoverageReport, InvariantResult } from '../model/types.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { mergeCoverage, mergeInvariants } from '../report/merge.js';
import type { ReportChart, StageVerdict } from '../report/report-input.js';
import { InputError, UsageError } from './errors.js';

export interface ModelRow {
  readonly workload: string;
  readonly cpus: number;
  readonly fault: string | null;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly complete: boolean;
  /** Why the search stopped early (the bound, or Ctrl-C); null when exhaustive. */
  readonly bound: string | null;
  readonly deadlocks: number;
  readonly violations: readonly string[];
  /** Worker threads, the fingerprint table and frontier memory, and the swarm settings of the run. */
  readonly workers?: number;
  readonly memory?: ExploreResult['memory'];
  readonly search?: ModelSearch;
}

/** How a workload is searched: worker threads, table size, and a swarm shard's seeds and depth bound. */
export interface ModelSearch {
  readonly workers?: number;
  readonly tableBytes?: number;
  readonly hashSeed?: number;
  readonly orderSeed?: number;
  readonly maxDepth?: number;
  /** `i/n` of a swarm shard, or null. */
  readonly shard?: string | null;
}

export interface ModelRunResult {
  readonly rows: readonly ModelRow[];
  readonly coverage: CoverageReport;
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  readonly completed: number;
}

/**
 * `--workload all|name[,name]|FILE` → workloads; a variant's own workloads count as names (and
 * join `all`); a FILE (.ts/.js/.json) holds one workload or a list. Unknown names and bad files
 * are one line naming them.
 */
export async function parseWorkloads(text: string, variant?: Variant): Promise<readonly Workload[]> {
  const own = variant?.workloads ?? [];
  if (text === 'all') return [...DEFAULT_WORKLOADS, ...own];
  if (/\.(ts|js|mjs|json)$/.test(text)) return loadWorkloadFile(text);
  return text.split(',').map((name) => {
    const mine = own.find((w) => w.name === name);
    if (mine !== undefined) return mine;
    try {
      return findWorkload(name);
    } catch {
      throw new UsageError(`--workload ${name}: unknown workload (known: all, ${[...DEFAULT_WORKLOADS, ...own].map((w) => w.name).join(', ')}, or a .ts/.js/.json file)`);
    }
  });
}

/** The model side of the selected variant; a variant that changes no model rule cannot be explored. */
export function modelVariantOf(s: SelectedVariant): ModelVariant {
  const mv = modelVariant(s.variant, s.variant.file);
  if (mv === null) throw new InputError(`${s.arg}: the variant changes no rule of the model (no 'model' part), so explore has nothing to explore; run 'smpcheck check ${s.arg}' for the implementation`);
  return mv;
}

function row(r: ExploreResult, search: ModelSearch): ModelRow {
  return {
    workers: r.workers, memory: r.memory, search: { ...search, workers: r.workers },
    workload: r.config.workload, cpus: r.config.cpus, fault: r.config.variant, states: r.states,
    transitions: r.transitions, depth: r.depth, elapsedMs: Math.round(r.elapsedMs),
    statesPerSecond: Math.round(r.statesPerSecond), complete: r.complete, bound: r.bound, deadlocks: r.deadlocks,
    violations: r.violations.map((v) => v.invariant),
  };
}

/** Lets the event loop run (a SIGINT handler, timers) between slices of synchronous work. */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Explores each workload at each CPU count. Between slices of the search it yields to the event
 * loop, so Ctrl-C (`signal`) stops the current workload within a slice: its row is then
 * `complete: false` with the bound "interrupted", and the rest are not started.
 */
export async function runModel(opts: {
  readonly cpus: readonly number[];
  readonly workloads: readonly Workload[];
  readonly fault?: ModelVariant | undefined;
  readonly maxStates?: number | undefined;
  readonly signal?: AbortSignal;
  readonly onDone?: (r: ModelRow) => void;
  /** One search per entry for every workload (a swarm runs several); default one plain BFS. */
  readonly searches?: readonly ModelSearch[];
  readonly onProgress?: (workload: string, p: ExploreProgress) => void;
}): Promise<ModelRunResult> {
  const results: ExploreResult[] = [];
  const rows: ModelRow[] = [];
  const aborted = (): boolean => opts.signal?.aborted === true;
  // searches outermost: a swarm's rows come shard by shard, as `merge` lists the shards' rows
  for (const search of opts.searches ?? [{}]) {
    for (const w of opts.workloads) {
      for (const cpus of opts.cpus) {
        if (aborted()) break;
        if (w.minCpus !== undefined && cpus < w.minCpus) continue;
        const eo = {
          cpus, workload: w,
          ...(opts.fault === undefined ? {} : { variant: opts.fault }),
          ...(opts.maxStates === undefined ? {} : { maxStates: opts.maxStates }),
          ...(search.tableBytes === undefined ? {} : { tableBytes: search.tableBytes }),
          ...(search.hashSeed === undefined ? {} : { hashSeed: search.hashSeed }),
          ...(search.orderSeed === undefined ? {} : { orderSeed: search.orderSeed }),
          ...(search.maxDepth === undefined ? {} : { maxDepth: search.maxDepth }),
          ...(opts.onProgress === undefined ? {} : { onProgress: (p: ExploreProgress) => opts.onProgress?.(w.name, p) }),
        };
        let r: ExploreResult;
        if ((search.workers ?? 1) > 1) {
          r = await exploreParallel({ ...eo, workers: search.workers ?? 1, ...(opts.signal === undefined ? {} : { signal: opts.signal }) });
        } else {
          const g = exploreSteps(eo);
          let step = g.next(false);
          while (!step.done) {
            await yieldToLoop();
            step = g.next(aborted());
          }
          r = step.value;
        }
        results.push(r);
        const x = row(r, search);
        rows.push(x);
        opts.onDone?.(x);
      }
    }
  }
  return {
    rows,
    coverage: mergeCoverage(results.map((r) => r.coverage)),
    invariants: mergeInvariants(results.map((r) => r.invariants)),
    counterexamples: results.flatMap((r) => r.violations),
    completed: results.length,
  };
}

/** The component charts as drawn in the report, with the coverage this run reached. */
export function modelCharts(coverage: CoverageReport): ReportChart[] {
  const structures = new CoverageCounter().structures;
  const chart = (name: string, machine: string): ReportChart => {
    const structure = structures.find((x) => x.machineId === machine);
    const c: ComponentCoverage | undefined = coverage.components.find((x) => x.machine === machine);
    if (structure === undefined || c === undefined) throw new Error(`no component chart ${machine}`);
    return { name, structure, coverage: c };
  };
  return [chart('CSD lifecycle', csdMachine.id), chart('CPU hotplug', hotplugMachine.id)];
}

export async function writeModelJson(outDir: string, result: ModelRunResult): Promise<string> {
  const file = join(outDir, 'model.json');
  const body = {
    schema: 'smpcheck.model/1',
    generatedAt: new Date().toISOString(),
    rows: result.rows,
    invariants: result.invariants,
    violations: result.counterexamples,
    coverage: result.coverage,
    // the 4-CPU sizing run's figures (npm run explore:4cpu) are kept, or marked "not run"
    fourCpu: keptFourCpu(await readFile(file, 'utf8').then((t) => JSON.parse(t) as unknown, () => null)),
  };
  await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/**
 * The model stage's verdict. `requireComplete` (verify, which promises exhaustive exploration): a
 * workload that a bound stopped early fails the stage. Otherwise (explore --max-states) it is
 * `incomplete`, and the invariants hold only for the states searched.
 */
export function modelStage(result: ModelRunResult, o: { readonly requireComplete: boolean; readonly interrupted: boolean }): StageVerdict {
  const failed = result.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
  const cut = result.rows.filter((r) => !r.complete);
  const states = result.rows.reduce((a, r) => a + r.states, 0);
  const what = `${result.rows.length} workload runs, ${states} states`;
  const cutText = cut.map((r) => `${r.workload} cpus=${r.cpus}: ${r.bound ?? 'incomplete'}`).join('; ');
  if (failed.length > 0) return { stage: 'model', status: 'fail', detail: `${what}; violated ${failed.join(', ')}`, invariants: result.invariants };
  if (o.interrupted) return { stage: 'model', status: 'interrupted', detail: `${what}; interrupted by Ctrl-C${cutText === '' ? '' : ` (${cutText})`}`, invariants: result.invariants };
  if (cut.length > 0 && o.requireComplete) return { stage: 'model', status: 'fail', detail: `${what}; not exhaustive: ${cutText}`, invariants: result.invariants };
  if (cut.length > 0) return { stage: 'model', status: 'incomplete', detail: `${what}; incomplete: ${cutText}`, invariants: result.invariants };
  return { stage: 'model', status: 'pass', detail: `${what}, every workload explored exhaustively`, invariants: result.invariants };
}

/** `--json`'s `workloads[]`: the figures of model.json's rows. */
export function workloadsJson(rows: readonly ModelRow[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    workload: r.workload, cpus: r.cpus, fault: r.fault, states: r.states, transitions: r.transitions, depth: r.depth,
    statesPerSecond: r.statesPerSecond, elapsedMs: r.elapsedMs, complete: r.complete, bound: r.bound, violations: r.violations,
    workers: r.workers, memory: r.memory, search: r.search,
  }));
}
