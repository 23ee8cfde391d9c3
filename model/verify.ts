/**
 * `verifyModel`: the default workload set explored for the given CPU counts, as one JSON-able
 * summary with merged component coverage (`npm run verify` writes it to reports/model.json).
 */
import { explore, type ExploreOptions } from './explorer.js';
import { mergeCoverage } from './coverage-merge.js';
import type { CoverageReport, Counterexample } from './types.js';
import { DEFAULT_WORKLOADS, STRESS_WORKLOAD, type Workload } from './workload.js';

export interface VerifyRow {
  readonly workload: string;
  readonly cpus: number;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly statesPerSecond: number;
  readonly elapsedMs: number;
  readonly complete: boolean;
  readonly violations: readonly Counterexample[];
}

export interface VerifySummary {
  readonly schema: 'smpcheck.model/1';
  readonly rows: readonly VerifyRow[];
  readonly violations: number;
  readonly coverage: CoverageReport;
}

export function verifyModel(opts: {
  readonly cpus: readonly number[];
  readonly workloads?: readonly Workload[];
  readonly maxStates?: number;
  /** Also explore the sizing workload `stress` (N×2 requests×1 hotplug; ~137k states at 3 CPUs). */
  readonly includeStress?: boolean;
  readonly onRow?: (r: VerifyRow) => void;
}): VerifySummary {
  const rows: VerifyRow[] = [];
  const covs: CoverageReport[] = [];
  const set = [...(opts.workloads ?? DEFAULT_WORKLOADS), ...(opts.includeStress === true ? [STRESS_WORKLOAD] : [])];
  for (const w of set) {
    for (const cpus of opts.cpus) {
      if (w.minCpus !== undefined && cpus < w.minCpus) continue;
      const o: ExploreOptions = opts.maxStates === undefined ? { cpus, workload: w } : { cpus, workload: w, maxStates: opts.maxStates };
      const r = explore(o);
      covs.push(r.coverage);
      const row: VerifyRow = {
        workload: w.name, cpus, states: r.states, transitions: r.transitions, depth: r.depth,
        statesPerSecond: r.statesPerSecond, elapsedMs: Math.round(r.elapsedMs), complete: r.complete, violations: r.violations,
      };
      rows.push(row);
      opts.onRow?.(row);
    }
  }
  return { schema: 'smpcheck.model/1', rows, violations: rows.reduce((a, r) => a + r.violations.length, 0), coverage: mergeCoverage(covs) };
}
