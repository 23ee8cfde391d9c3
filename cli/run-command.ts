/**
 * The shape every run command shares (verify, explore, check, audit): parse the options the command
 * uses, check --out first, split the seed space by --shard, show progress, stop cleanly on Ctrl-C,
 * write the reports, print the result and the closing line, and map the outcome to the exit code.
 * A command supplies only `run`, which does the work for the runs of its shard.
 */
import type { Command } from 'commander';
import type { Counterexample, CoverageReport, InvariantResult } from '../model/types.js';
import type { ReportChart, ReportInput, ReportSection, StageVerdict } from '../report/report-input.js';
import { allHold, failedStages } from '../report/report-input.js';
import { writeReports } from '../report/write-reports.js';
import { InterruptedError, ViolationError } from './errors.js';
import { interruptSignal } from './interrupt.js';
import { addRunOptions, commonOptions, defaultOut, prepareOutDir, RUN_OPTIONS, selectedVariant, type CommonDefaults, type CommonOptions, type RunOptionName, type SelectedVariant } from './options.js';
import { printResult } from './output.js';
import { createProgress, currentProgressEnv, progressMode, type Progress } from './progress.js';
import { formatShard, shardSeeds, type ShardRun } from './shard.js';

export interface RunContext {
  readonly options: CommonOptions;
  /** This shard's runs, each with its derived seed. */
  readonly runs: readonly ShardRun[];
  /** Aborted on Ctrl-C: stop at the next yield point, then return what was found. */
  readonly signal: AbortSignal;
  /** Tick once per run (or per unit of `progressTotal`). */
  readonly progress: Progress;
  /** Human log lines: stderr, so stdout stays the result. Silent in --json mode. */
  readonly log: (line: string) => void;
  /** `--fault ID` / `--variant FILE`, loaded and checked before the run starts (undefined: smp.c itself). */
  readonly variant: SelectedVariant | undefined;
}

export interface RunOutcome {
  readonly charts: readonly ReportChart[];
  readonly coverage: CoverageReport;
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  readonly sections?: readonly ReportSection[];
  /** Per-stage verdicts; default: one stage named after the command, from `invariants`. */
  readonly stages?: readonly StageVerdict[];
  /** The command's own figures for `--json` (e.g. `workloads[]` of explore), beside the common fields. */
  readonly json?: Readonly<Record<string, unknown>>;
  /** Files the command wrote itself (model.json, audit.json, …); listed in `--json`'s `files`. */
  readonly files?: readonly string[];
  /** Runs actually completed (fewer than requested after Ctrl-C). */
  readonly completedRuns: number;
}

export interface RunCommandSpec {
  readonly name: string;
  /** One line, shown in `smpcheck --help`. */
  readonly description: string;
  readonly title?: string;
  readonly defaults?: CommonDefaults;
  /** The run options this command reads (default: all); the others are not accepted. */
  readonly options?: readonly RunOptionName[];
  /** Units of progress; defaults to the number of runs in this shard. */
  readonly progressTotal?: (o: CommonOptions, runs: readonly ShardRun[]) => number;
  /** Extra command-specific options. */
  readonly configure?: (cmd: Command) => void;
  /**
   * Checks and loads the command's own inputs (workload files, …) before anything is printed, so
   * bad input is one line and exit 2; the result is merged into the options `run` receives.
   */
  readonly prepare?: (raw: Record<string, unknown>, variant: SelectedVariant | undefined) => Promise<Record<string, unknown>>;
  run(ctx: RunContext, extra: Record<string, unknown>): Promise<RunOutcome>;
}

/** One stage from a list of invariant verdicts: fail if any failed, else pass (or interrupted). */
export function stageOf(stage: string, invariants: readonly InvariantResult[], detail: string, interrupted = false): StageVerdict {
  const failed = invariants.filter((i) => i.status === 'fail').map((i) => i.id);
  return {
    stage, invariants,
    status: failed.length > 0 ? 'fail' : interrupted ? 'interrupted' : invariants.every((i) => i.status === 'not-checked') ? 'not-checked' : 'pass',
    detail: failed.length > 0 ? `${detail}; violated ${failed.join(', ')}` : interrupted ? `${detail}; interrupted by Ctrl-C` : detail,
  };
}

/** `2 counterexample(s)` plus the failed stages, for the one error line on stderr. */
export function violationSummary(input: ReportInput): string {
  const failed = failedStages(input);
  return `${input.counterexamples.length} counterexample(s)${failed.length > 0 ? `, failed: ${failed.join(', ')}` : ''}`;
}

export function defineRunCommand(spec: RunCommandSpec): (program: Command) => void {
  return (program) => {
    const cmd = program.command(spec.name).description(spec.description);
    const used = spec.options ?? RUN_OPTIONS;
    addRunOptions(cmd, spec.defaults, used);
    spec.configure?.(cmd);
    cmd.action(async (raw: Record<string, unknown>) => {
      const options = commonOptions(raw);
      const out = await prepareOutDir(options.out);
      const variant = await selectedVariant(raw);
      const extra = spec.prepare === undefined ? raw : { ...raw, ...(await spec.prepare(raw, variant)) };
      const runs = shardSeeds(options.seed, options.runs, options.shard);
      const mode = progressMode(currentProgressEnv(options.json));
      const progress = createProgress({ label: spec.name, total: spec.progressTotal?.(options, runs) ?? runs.length, mode });
      const interrupt = interruptSignal();
      const started = Date.now();
      // Echo the parameters at the start (scftorture's "Start of test"; not in --json or CI mode,
      // like progress); the closing line ends the run. Options are all parsed by now.
      if (mode !== 'silent') {
        const given = used.map((k) => (k === 'shard' ? (options.shard === undefined ? '' : `shard=${formatShard(options.shard)}`) : `${k}=${String(options[k])}`)).filter((x) => x !== '');
        process.stderr.write(`smpcheck ${spec.name}: start: ${[...given, `out=${out}`].join(' ')}\n`);
      }
      let outcome: RunOutcome;
      try {
        outcome = await spec.run(
          { options: { ...options, out }, runs, signal: interrupt.signal, progress, log: (l) => { if (!options.json) process.stderr.write(`${l}\n`); }, variant },
          extra,
        );
      } finally {
        progress.stop();
        interrupt.dispose();
      }
      const interrupted = interrupt.signal.aborted;
      const input: ReportInput = {
        title: spec.title ?? `smpcheck ${spec.name}`,
        generatedAt: new Date().toISOString(),
        charts: outcome.charts,
        coverage: outcome.coverage,
        invariants: outcome.invariants,
        counterexamples: outcome.counterexamples,
        sections: outcome.sections ?? [],
        runs: {
          command: spec.name,
          seed: used.includes('seed') ? options.seed : null,
          runs: outcome.completedRuns,
          shards: options.shard === undefined ? [] : [formatShard(options.shard)],
          durationMs: Date.now() - started,
          interrupted,
        },
        stages: outcome.stages ?? [stageOf(spec.name, outcome.invariants, `${outcome.completedRuns} runs`, interrupted)],
      };
      const files = [...(outcome.files ?? []), ...(await writeReports(out, input))];
      printResult(input, out, files, options.json, outcome.json);
      if (!allHold(input)) throw new ViolationError(`${violationSummary(input)}; reports in ${out}`);
      if (interrupted) throw new InterruptedError(`interrupted after ${outcome.completedRuns} runs; partial reports in ${out}`);
    });
  };
}

export { defaultOut };
