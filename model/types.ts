/**
 * Result shapes shared by the explorer, the property suite, the trace checker and the reports.
 * They are plain JSON (no classes, no Maps) so that `reports/*.json` is exactly these objects and
 * `smpcheck merge` can combine shards by adding counts.
 */

/** Stable invariant ids of `../shared/spec/smp-protocol.md` §8 (plus finer ones added in notes). */
import type { AbstractCoverageReport } from './abstract-coverage.js';

export type InvariantId = `INV-${string}`;

export interface CoverageItem {
  /** State node id (`csd.queued`) or transition id from `statechartStructure` (`a --EV--> b`). */
  readonly id: string;
  readonly visits: number;
}

export interface CoverageCount {
  readonly total: number;
  readonly covered: number;
  readonly items: readonly CoverageItem[];
}

export interface UnreachableItem {
  readonly id: string;
  readonly reason: string;
}

export interface ComponentCoverage {
  /** Component statechart id: `csd` or `hotplug`. */
  readonly machine: string;
  readonly states: CoverageCount;
  readonly transitions: CoverageCount;
  /** Ids with zero visits that are not explained in `unreachable`. */
  readonly uncovered: { readonly states: readonly string[]; readonly transitions: readonly string[] };
  /** Items known not to be reachable in this configuration, with the reason. */
  readonly unreachable: readonly UnreachableItem[];
}

export interface CoverageReport {
  readonly schema: 'smpcheck.coverage/1';
  /** What produced the visits: `explorer`, `properties:deterministic`, `properties:threads`, … */
  readonly sources: readonly string[];
  readonly components: readonly ComponentCoverage[];
  /** Abstract state coverage by technique (model/abstract-coverage.ts); absent for runs that did not measure it. */
  readonly abstract?: AbstractCoverageReport;
}

/** One row of a per-CPU timeline: what happened, on which CPU, at which step of the run. */
export interface TimelineEntry {
  readonly step: number;
  readonly cpu: number;
  /** Swimlane: `call` (API entry/return), `queue`, `ipi`, `entry`, `exit`, `hotplug`, `lock`, `other`. */
  readonly lane: 'call' | 'queue' | 'ipi' | 'entry' | 'exit' | 'hotplug' | 'lock' | 'other';
  readonly text: string;
}

export interface Counterexample {
  readonly invariant: InvariantId;
  readonly sentence: string;
  /** What was observed, one line. */
  readonly message: string;
  /** The steps (model events or implementation commands) in order, already shrunk. */
  readonly steps: readonly string[];
  readonly timeline: readonly TimelineEntry[];
  /** One shell line that replays exactly this failure. */
  readonly replay: string;
}

export interface InvariantResult {
  readonly id: InvariantId;
  readonly sentence: string;
  readonly status: 'pass' | 'fail' | 'not-checked';
  /** How many states / steps / runs the invariant was evaluated on. */
  readonly checks: number;
  /** With `not-checked`: why the run could not decide it (never absent-and-"pass"). */
  readonly reason?: string;
}
