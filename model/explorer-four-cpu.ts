/**
 * The `fourCpu` section of reports/model.json: the figures of the 4-CPU sizing run
 * (`npm run explore:4cpu`, bench/explore-4cpu.ts), which is too long for `verify` or `npm test`.
 * That script merges its section into an existing model.json; every other writer of model.json
 * (`verify`, `explore`) keeps the section it finds, and writes the "not run" section below when
 * there is none, so the report never shows 4-CPU figures that were not measured.
 */

export const FOUR_CPU_COMMAND = 'npm run explore:4cpu';

/** What model.json says when `npm run explore:4cpu` has not written its figures into this folder. */
export interface FourCpuNotRun {
  readonly status: 'not run';
  readonly command: string;
  readonly note: string;
}

/** The measured section (written by bench/explore-4cpu.ts). */
export interface FourCpuRun {
  /** `complete`: explored exhaustively; `incomplete`: a bound or Ctrl-C stopped it (`bound` says which). */
  readonly status: 'complete' | 'incomplete';
  readonly command: string;
  readonly measuredAt: string;
  readonly workload: string;
  readonly cpus: number;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly complete: boolean;
  readonly bound: string | null;
  readonly violations: readonly string[];
  readonly deadlocks: number;
  readonly workers: number;
  /** State-space reduction used: none exists in the explorer (model/README.md, "Reduction"). */
  readonly reduction: 'none';
  readonly memory: Readonly<Record<string, number>>;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  /** levels[d]: distinct states first found at BFS depth d (an incomplete run: the levels it finished, then the one it was filling). */
  readonly levels?: readonly number[];
}

export type FourCpuSection = FourCpuNotRun | FourCpuRun;

export function fourCpuNotRun(): FourCpuNotRun {
  return {
    status: 'not run', command: FOUR_CPU_COMMAND,
    note: 'the 4-CPU sizing workload is explored only by that command (minutes, GiBs); it merges its figures here',
  };
}

/** The section to keep from a previous model.json body (parsed JSON, or null if none/unreadable). */
export function keptFourCpu(previous: unknown): FourCpuSection {
  if (typeof previous !== 'object' || previous === null) return fourCpuNotRun();
  const s = (previous as { fourCpu?: unknown }).fourCpu;
  if (typeof s !== 'object' || s === null) return fourCpuNotRun();
  const st = (s as { status?: unknown }).status;
  if (st === 'complete' || st === 'incomplete') return s as FourCpuRun;
  return fourCpuNotRun();
}
