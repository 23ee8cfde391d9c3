/**
 * `smpcheck explore --impl`: the implementation itself, not the model, explored by the bounded DFS
 * of impl/runtime/explore.ts on the deterministic runtime — every schedule of a small workload with
 * at most `--max-preemptions` preemptions and, under `--memory tso|lkmm`, every memory decision
 * (which store a load reads, which buffered store drains) — each run checked at quiescence: the
 * implementation's accounting and the quiescence checks of the property suite
 * (properties/quiescence-checks.ts), plus INV-NO-DEADLOCK (nothing runnable, work left, or a
 * livelock). The DFS is deterministic: the same command finds the same first failure.
 */
import type { SmpRequest } from '../impl/requests.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { DeterministicSystem } from '../impl/runtime/deterministic.js';
import { exploreExhaustiveAsync } from '../impl/runtime/explore.js';
import type { ImplVariant } from '../impl/variant.js';
import type { Counterexample, InvariantId, InvariantResult } from '../model/types.js';
import type { Workload } from '../model/index.js';
import { describeSmallWorkload, fromModelWorkload } from '../properties/index.js';
import { sentenceOf } from '../properties/invariant-property.js';
import { checkMemoryAtQuiescence } from '../properties/quiescence-checks.js';
import type { SmallWorkload } from '../properties/refinement/small-workload.js';

/** The invariants a run is judged on (what checkMemoryAtQuiescence and the run's status can show). */
export const IMPL_EXPLORE_INVARIANTS: readonly InvariantId[] = [
  'INV-NO-LOST-CALL', 'INV-NO-DOUBLE-RUN', 'INV-RUN-ON-TARGET', 'INV-NOT-ON-OFFLINE', 'INV-SYNC-AFTER-RUN', 'INV-LOCK-RELEASED',
  'INV-IPI-OR-POLL', 'INV-NO-LEAK', 'INV-NO-DEADLOCK', 'INV-ONE-OWNER', 'INV-NO-UAF',
];

export interface ImplExploreOptions {
  readonly cpus: number;
  readonly memory: MemoryModel;
  readonly variant?: ImplVariant;
  readonly maxPreemptions: number;
  readonly maxRuns: number;
  readonly signal?: AbortSignal;
}

export interface ImplExploreRow {
  readonly workload: string;
  readonly cpus: number;
  readonly memory: MemoryModel;
  readonly runs: number;
  readonly complete: boolean;
  readonly interrupted: boolean;
  /** why the workload was not explored (it does not fit the implementation's small workloads) */
  readonly notChecked?: string;
  readonly failure?: { readonly invariant: InvariantId; readonly message: string; readonly schedule: string };
  readonly elapsedMs: number;
  /** the calls, one line each */
  readonly steps: readonly string[];
}

/** The calls of `w` in posting order (per CPU in script order; CPU 0's hotplug cycle last). */
function callsOf(w: SmallWorkload): (readonly [number, SmpRequest])[] {
  const calls: (readonly [number, SmpRequest])[] = [];
  w.scripts.forEach((s, cpu) => { for (const c of s) calls.push([cpu, c]); });
  if (w.hotplug > 0) calls.push([0, { kind: 'cpu_down', cpu: w.hotplug }], [0, { kind: 'cpu_up', cpu: w.hotplug }]);
  return calls;
}

/** Explores one model workload on the implementation. */
export async function exploreImplementation(w: Workload, o: ImplExploreOptions): Promise<ImplExploreRow> {
  const t0 = performance.now();
  const base = { workload: w.name, cpus: o.cpus, memory: o.memory };
  let small: SmallWorkload;
  try {
    small = fromModelWorkload(w, o.cpus);
    if (small.enomem) throw new RangeError(`workload ${w.name}: the -ENOMEM retry needs a host step between two runs (not in one DFS run)`);
  } catch (e) {
    return { ...base, runs: 0, complete: false, interrupted: false, notChecked: e instanceof Error ? e.message : String(e), elapsedMs: 0, steps: [] };
  }
  const calls = callsOf(small);
  const failed: { id: InvariantId | null } = { id: null };
  const r = await exploreExhaustiveAsync((s) => {
    const sys = new DeterministicSystem({ cpus: o.cpus, scheduler: s, memory: o.memory, trace: false, maxSteps: 200_000, ...(o.variant === undefined ? {} : { variant: o.variant }) });
    for (const [cpu, req] of calls) sys.call(cpu, req);
    return sys;
  }, {
    maxPreemptions: o.maxPreemptions, maxRuns: o.maxRuns, ...(o.signal === undefined ? {} : { signal: o.signal }),
    check: (res, sys) => {
      if (res.status !== 'quiescent') {
        failed.id = 'INV-NO-DEADLOCK';
        return (res.report ?? res.status).split('\n')[0] ?? res.status;
      }
      const found: [InvariantId, string][] = [];
      checkMemoryAtQuiescence(sys.mem, { violate: (id, message) => { found.push([id, message]); } }, [], () => new Set());
      if (res.accounting.returnedBeforeRun > 0) found.push(['INV-SYNC-AFTER-RUN', `${res.accounting.returnedBeforeRun} waiting call(s) returned before their function ran on every target`]);
      const first = found[0];
      if (first === undefined) return null;
      failed.id = first[0];
      return `${first[0]}: ${first[1]}`;
    },
  });
  const elapsedMs = performance.now() - t0;
  const row = { ...base, runs: r.runs, complete: r.complete, interrupted: r.interrupted === true, elapsedMs, steps: describeSmallWorkload(small) };
  return r.failure === undefined || failed.id === null ? row : { ...row, failure: { invariant: failed.id, message: r.failure.message, schedule: r.failure.schedule } };
}

/** The command line that finds the same failure again (the DFS is deterministic). */
export function implExploreReplay(row: ImplExploreRow, o: ImplExploreOptions, variantArg: string | undefined): string {
  return `npx smpcheck explore --impl --workload ${row.workload} --cpus ${o.cpus} --memory ${o.memory} --max-preemptions ${o.maxPreemptions} --max-runs ${o.maxRuns}${variantArg === undefined ? '' : ` ${variantArg}`}`;
}

/** Per-invariant verdicts and counterexamples of the rows. */
export function implExploreVerdicts(rows: readonly ImplExploreRow[], o: ImplExploreOptions, variantArg: string | undefined): { invariants: InvariantResult[]; counterexamples: Counterexample[] } {
  const checked = rows.filter((r) => r.notChecked === undefined);
  const runs = checked.reduce((a, r) => a + r.runs, 0);
  const failedIds = new Set(checked.flatMap((r) => (r.failure === undefined ? [] : [r.failure.invariant])));
  const invariants = IMPL_EXPLORE_INVARIANTS.map((id): InvariantResult => {
    if (failedIds.has(id)) return { id, sentence: sentenceOf(id), status: 'fail', checks: runs };
    if (runs === 0) return { id, sentence: sentenceOf(id), status: 'not-checked', checks: 0, reason: 'no workload could be run on the implementation' };
    return { id, sentence: sentenceOf(id), status: 'pass', checks: runs };
  });
  const counterexamples = checked.flatMap((r): Counterexample[] => (r.failure === undefined ? [] : [{
    invariant: r.failure.invariant, sentence: sentenceOf(r.failure.invariant),
    message: `${r.failure.message} (workload ${r.workload}, run ${r.runs} of the bounded DFS, --memory ${r.memory})`,
    steps: [...r.steps, `schedule: ${r.failure.schedule}`],
    timeline: [], replay: implExploreReplay(r, o, variantArg),
  }]));
  return { invariants, counterexamples };
}
