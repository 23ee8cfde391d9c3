/**
 * The shape every run command shares (verify, explore, check, audit, stress): parse the common
 * options, check --out first, split the seed space by --shard, show progress, stop cleanly on
 * Ctrl-C, write the reports, print the result, and map the outcome to the exit code. A command
 * supplies only `run`, which does the work for the runs of its shard.
 */
import type { Command } from 'commander';
import type { Counterexample, CoverageReport, InvariantResult } from '../model/types.js';
import type { ReportChart, ReportInput, ReportSection } from '../report/report-input.js';
import { allHold } from '../report/report-input.js';
import { writeReports } from '../report/write-reports.js';
import { InterruptedError, ViolationError } from './errors.js';
import { interruptSignal } from './interrupt.js';
import { addRunOptions, commonOptions, prepareOutDir, type CommonDefaults, type CommonOptions } from './options.js';
import { printResult } from './output.js';
import { createProgress, currentProgressEnv, progressMode, type Progress } from './progress.js';
import { formatShard, shardSeeds, type ShardRun } from './shard.js';

export interface RunContext {
  readonly options: CommonOptions;
  /** This shard's runs, each with its derived seed. */
  readonly runs: readonly ShardRun[];
  /** Aborted on Ctrl-C: finish the current run, then return what was found. */
  readonly signal: AbortSignal;
  /** Tick once per run (or per unit of `progressTotal`). */
  readonly progress: Progress;
  /** Human log lines: stderr, so stdout stays the result. Silent in --json mode. */
  readonly log: (line: string) => void;
}

export interface RunOutcome {
  readonly charts: readonly ReportChart[];
  readonly coverage: CoverageReport;
  readonly invariants: readonly InvariantResult[];
  readonly counterexamples: readonly Counterexample[];
  readonly sections?: readonly ReportSection[];
  /** Runs actually completed (fewer than requested after Ctrl-C). */
  readonly completedRuns: number;
}

export interface RunCommandSpec {
  readonly name: string;
  /** One line, shown in `smpcheck --help`. */
  readonly description: string;
  readonly title?: string;
  readonly defaults?: CommonDefaults;
  /** Units of progress; defaults to the number of runs in this shard. */
  readonly progressTotal?: (o: CommonOptions, runs: readonly ShardRun[]) => number;
  /** Extra command-specific options. */
  readonly configure?: (cmd: Command) => void;
  run(ctx: RunContext, extra: Record<string, unknown>): Promise<RunOutcome>;
}

export function defineRunCommand(spec: RunCommandSpec): (program: Command) => void {
  return (program) => {
    const cmd = program.command(spec.name).description(spec.description);
    addRunOptions(cmd, spec.defaults);
    spec.configure?.(cmd);
    cmd.action(async (raw: Record<string, unknown>) => {
      const options = commonOptions(raw);
      const out = await prepareOutDir(options.out);
      const runs = shardSeeds(options.seed, options.runs, options.shard);
      const mode = progressMode(currentProgressEnv(options.json));
      const progress = createProgress({ label: spec.name, total: spec.progressTotal?.(options, runs) ?? runs.length, mode });
      const interrupt = interruptSignal();
      const started = Date.now();
      let outcome: RunOutcome;
      try {
        outcome = await spec.run(
          { options, runs, signal: interrupt.signal, progress, log: (l) => { if (!options.json) process.stderr.write(`${l}\n`); } },
          raw,
        );
      } finally {
        progress.stop();
        interrupt.dispose();
      }
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
          seed: options.seed,
          runs: outcome.completedRuns,
          shards: options.shard === undefined ? [] : [formatShard(options.shard)],
          durationMs: Date.now() - started,
          interrupted: interrupt.signal.aborted,
        },
      };
      const files = await writeReports(out, input);
      printResult(input, out, files, options.json);
      if (!allHold(input)) throw new ViolationError(`${input.counterexamples.length} counterexample(s); reports in ${out}`);
      if (interrupt.signal.aborted) throw new InterruptedError(`interrupted after ${outcome.completedRuns} runs; partial reports in ${out}`);
    });
  };
}
