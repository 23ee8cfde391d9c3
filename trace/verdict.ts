/** JSON result of `smpcheck trace check` (plain data, no classes, no Maps). */
import type { InvariantId, InvariantResult, TimelineEntry } from '../model/types.js';

export interface TraceViolation {
  readonly id: InvariantId;
  readonly message: string;
  /** Line numbers in the trace file, earliest evidence first. */
  readonly lines: readonly number[];
}

export interface CategoryExample {
  readonly kind: string;
  readonly csd: string;
  readonly func: string;
  readonly cpu: number;
  readonly message: string;
  readonly lines: readonly number[];
}

/** Requests that are neither violations nor plainly observed: counted, with a few examples. */
export interface Category {
  readonly count: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly examples: readonly CategoryExample[];
}

export interface LatencySummary {
  readonly count: number;
  /** Microseconds. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export interface FunctionStats {
  readonly func: string;
  readonly queued: number;
  readonly entered: number;
  readonly local: number;
  readonly queueToEntry: LatencySummary;
  readonly entryToExit: LatencySummary;
}

export interface PairStats {
  /** `cpu0->cpu1` */
  readonly pair: string;
  readonly src: number;
  readonly dst: number;
  readonly queued: number;
  readonly entered: number;
  readonly queueToEntry: LatencySummary;
}

export interface KickStats {
  readonly ipiSendCpu: number;
  readonly ipiSendCpumask: number;
  readonly idleWithoutIpi: number;
  /** Adds that provably found the target queue empty (their kick is checked, INV-KICK). */
  readonly provablyEmptyAdds: number;
  /** Adds whose queue state the trace cannot tell (see `categories.undecided`). */
  readonly undecidedAdds: number;
  /** Requests queued to a CPU per kick of that CPU: `{ "1": 900, "2": 40 }`. */
  readonly requestsPerKick: Readonly<Record<string, number>>;
  readonly meanRequestsPerKick: number;
  /** csd functions run per IPI handler (`call_function*_entry` … `_exit`): `{ "0": 12, "1": 800 }`. */
  readonly entriesPerIpiHandler: Readonly<Record<string, number>>;
}

export interface TraceStats {
  readonly perFunction: readonly FunctionStats[];
  readonly perPair: readonly PairStats[];
  readonly kicks: KickStats;
  readonly perCpuEvents: Readonly<Record<string, number>>;
}

export interface TraceHeaderInfo {
  readonly entriesInBuffer: number | null;
  readonly entriesWritten: number | null;
  readonly cpus: number | null;
  /** Some CPU's ring buffer overwrote or lost events. */
  readonly overflowed: boolean;
  readonly perCpuFirstTs: Readonly<Record<string, number>>;
  /** Events before this timestamp may miss their causes on another CPU (null: none). */
  readonly incompleteUntil: number | null;
}

/**
 * One down/up cycle of a CPU as the trace shows it (lines and timestamps; null = not in the trace):
 * going down at the control CPU's `takedown_cpu`, offline at its exit (or a traced
 * `smpcfd_dying_cpu` exit), bring-up from `smpcfd_prepare_cpu`, online at the CPU's next own event.
 */
export interface HotplugWindow {
  readonly cpu: number;
  readonly down: { readonly line: number; readonly ts: number } | null;
  readonly offline: { readonly line: number; readonly ts: number } | null;
  readonly prepare: { readonly line: number; readonly ts: number } | null;
  readonly online: { readonly line: number; readonly ts: number } | null;
}

export interface TraceVerdict {
  readonly schema: 'smpcheck.trace/1';
  readonly file: string;
  readonly ok: boolean;
  readonly lines: number;
  /** Events the checker modelled. */
  readonly events: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly warnings: { readonly count: number; readonly examples: readonly string[] };
  readonly header: TraceHeaderInfo;
  readonly invariants: readonly InvariantResult[];
  /** Stored violations (at most `maxViolations`); `violationCounts` has the full counts. */
  readonly violations: readonly TraceViolation[];
  readonly violationCounts: Readonly<Record<string, number>>;
  readonly categories: {
    /** Proven completed by the protocol's own rules, without csd_function_entry/exit. */
    readonly completedUnobserved: Category;
    /** TTWU requests run in a batch whose entry names another (earlier) node. */
    readonly ttwuBatched: Category;
    /** Started before or not finished at the end of the window: not judged. */
    readonly open: Category;
    /** What the trace cannot decide (reported, never guessed). */
    readonly undecided: Category;
  };
  readonly stats: TraceStats;
  /** CPU hotplug cycles seen, in order (at most 1000). */
  readonly hotplug: readonly HotplugWindow[];
  readonly timelineWindow: { readonly from: number; readonly to: number; readonly truncated: boolean };
  readonly timeline: readonly TimelineEntry[];
}
