/**
 * Everything one report shows, in one object: the writers (JSON, Markdown, HTML) render it and never
 * compute results themselves. `ResultsFile` is the part that is not coverage, as stored in
 * `results.json`, so `smpcheck coverage` can re-render and `smpcheck merge` can combine shards.
 */
import type { StatechartStructure } from '../model/graph.js';
import type { ComponentCoverage, Counterexample, CoverageReport, InvariantResult } from '../model/types.js';

/** What was run, for the report header and for merging shards. */
export interface RunSummary {
  /** The command that produced the results (`verify`, `check`, `merge`, …). */
  readonly command: string;
  readonly seed: number | null;
  /** Runs actually completed (less than requested when interrupted). */
  readonly runs: number;
  /** Shards included, as `i/n`; empty when the whole seed space ran in one process. */
  readonly shards: readonly string[];
  /** Sum of the wall-clock times of the processes that contributed. */
  readonly durationMs: number;
  /** True if any contributing run was stopped by Ctrl-C before it finished. */
  readonly interrupted: boolean;
}

/**
 * What one stage of a run concluded: `verify` has several (model, properties on each runtime, audit,
 * real traces), every other run command one. `incomplete`: a bound stopped a search before the end
 * (what was searched holds); `interrupted`: Ctrl-C; `not-checked`: nothing to decide (e.g. no trace
 * files). Only `fail` fails the run.
 */
export type StageStatus = 'pass' | 'fail' | 'incomplete' | 'interrupted' | 'not-checked';

export interface StageVerdict {
  /** `model`, `properties:deterministic`, `properties:threads`, `audit`, `traces`, … */
  readonly stage: string;
  readonly status: StageStatus;
  /** One line: what was run and, unless pass, why this status. */
  readonly detail: string;
  /** This stage's own verdict on each invariant it evaluated. */
  readonly invariants: readonly InvariantResult[];
}

export interface ReportSection {
  readonly title: string;
  /** Trusted HTML or Markdown produced by our own writers (audit, trace, bench); never raw input. */
  readonly markdownOrHtml: string;
}

export interface ChartSource {
  readonly name: string;
  readonly structure: StatechartStructure;
}

export interface ReportChart extends ChartSource {
  readonly coverage: ComponentCoverage;
}

export interface ReportInput {
  readonly title: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly charts: readonly ReportChart[];
  readonly coverage: CoverageReport;
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  readonly sections: readonly ReportSection[];
  readonly runs: RunSummary;
  /** Per-stage verdicts; each stage's invariants are merged into `invariants`. */
  readonly stages?: readonly StageVerdict[];
}

export const RESULTS_SCHEMA = 'smpcheck.results/1';

/** `results.json`: the report input minus the coverage, which lives in `coverage.json`. */
export interface ResultsFile {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly title: string;
  readonly generatedAt: string;
  readonly charts: readonly ChartSource[];
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  readonly sections: readonly ReportSection[];
  readonly runs: RunSummary;
  readonly stages?: readonly StageVerdict[];
}

export function toResultsFile(input: ReportInput): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    title: input.title,
    generatedAt: input.generatedAt,
    charts: input.charts.map(({ name, structure }) => ({ name, structure })),
    invariants: input.invariants,
    counterexamples: input.counterexamples,
    sections: input.sections,
    runs: input.runs,
    ...(input.stages === undefined ? {} : { stages: input.stages }),
  };
}

/**
 * Joins results and coverage: each chart gets the coverage component of the same machine id. A chart
 * without a component is an input error (coverage.json and results.json from different runs).
 */
export function toReportInput(results: ResultsFile, coverage: CoverageReport): ReportInput {
  const charts = results.charts.map((c): ReportChart => {
    const comp = coverage.components.find((k) => k.machine === c.structure.machineId);
    if (comp === undefined) {
      throw new Error(`coverage.json has no component for chart "${c.structure.machineId}"`);
    }
    return { ...c, coverage: comp };
  });
  return {
    title: results.title,
    generatedAt: results.generatedAt,
    charts,
    coverage,
    invariants: results.invariants,
    counterexamples: results.counterexamples,
    sections: results.sections,
    runs: results.runs,
    ...(results.stages === undefined ? {} : { stages: results.stages }),
  };
}

/** True when no invariant failed, no counterexample was found and no stage failed: the exit-0 condition. */
export function allHold(input: Pick<ReportInput, 'invariants' | 'counterexamples' | 'stages'>): boolean {
  return input.counterexamples.length === 0 && input.invariants.every((i) => i.status !== 'fail') && (input.stages ?? []).every((s) => s.status !== 'fail');
}

/** Stages that failed, by name, in order. */
export const failedStages = (input: Pick<ReportInput, 'stages'>): string[] => (input.stages ?? []).filter((s) => s.status === 'fail').map((s) => s.stage);

/**
 * The one closing line (scftorture's "End of test", TLC's verdict): SUCCESS, FAILURE naming the
 * stages that failed, BOUND-REACHED when a bound stopped a search, INTERRUPTED after Ctrl-C; then
 * every stage's verdict.
 */
export function closingLine(input: Pick<ReportInput, 'invariants' | 'counterexamples' | 'stages' | 'runs'>): string {
  const stages = input.stages ?? [];
  const failed = failedStages(input);
  const failedIds = [...new Set(input.invariants.filter((i) => i.status === 'fail').map((i) => i.id))];
  const what = !allHold(input)
    ? `FAILURE (${[failed.length > 0 ? `in ${failed.join(', ')}` : '', failedIds.join(', ')].filter((x) => x !== '').join(': ')})`
    : input.runs.interrupted || stages.some((s) => s.status === 'interrupted') ? 'INTERRUPTED'
    : stages.some((s) => s.status === 'incomplete') ? 'BOUND-REACHED' : 'SUCCESS';
  const per = stages.map((s) => `${s.stage}: ${s.status}`).join(' · ');
  return `smpcheck ${input.runs.command}: End of run: ${what}${per === '' ? '' : ` | ${per}`}`;
}
