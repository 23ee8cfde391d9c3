/** The JSON shapes of `reports/audit.json` (schema smpcheck.audit/1). */
import type { Technique } from '../variants/index.js';

export interface TechniqueResult {
  readonly technique: Technique;
  /** 'n/a': the technique does not apply (no impl variant for a model-only fault, or the reverse) */
  readonly status: 'caught' | 'missed' | 'n/a';
  /** invariant or detector ID of the first failure */
  readonly invariant: string | null;
  /** runs until the first failure (all runs when missed) */
  readonly runs: number;
  /** milliseconds until the first failure (the whole budget spent when missed) */
  readonly timeMs: number;
  /** counterexample length after shrinking (calls or commands; model: events); null when not shrunk */
  readonly ceLength: number | null;
  readonly message: string | null;
  /** props: per-seed detection (the ≥ 19/20 target) */
  readonly seeds?: { readonly caught: number; readonly total: number; readonly medianMs: number | null; readonly maxMs: number | null };
}

/** The property suite's verdict under one memory model: caught, missed, or why it did not run. */
export type MemoryVerdict = 'caught' | 'missed' | `not checked: ${string}`;

/** Per memory model of the deterministic runtime (`audit --memory`); sc is the props column. */
export interface ByMemory {
  readonly sc: MemoryVerdict;
  readonly tso: MemoryVerdict;
  readonly lkmm: MemoryVerdict;
}

export interface FaultAudit {
  readonly id: string;
  /** ids the fault had before the one naming scheme */
  readonly formerly: readonly string[];
  /** kernel functions the implementation variant replaces (empty: model only) */
  readonly implFunctions: readonly string[];
  /** model knobs it changes (empty: implementation only) */
  readonly modelRules: readonly string[];
  readonly breaks: readonly string[];
  readonly origin: string;
  readonly expected: readonly Technique[];
  readonly results: readonly TechniqueResult[];
  readonly caught: boolean;
  /** techniques the catalogue claims that did not catch it */
  readonly expectedMissed: readonly Technique[];
  /** the property suite under each memory model */
  readonly byMemory: ByMemory;
  /** the weak memory models the catalogue says must catch it (a barrier fault) */
  readonly expectedMemory: readonly ('tso' | 'lkmm')[];
}

export interface AuditReport {
  readonly schema: 'smpcheck.audit/1';
  readonly config: { readonly budgetS: number; readonly seeds: number; readonly seed: number; readonly cpus: number; readonly threads: boolean; readonly techniques: readonly Technique[]; readonly memory: readonly ('sc' | 'tso' | 'lkmm')[] };
  readonly faults: readonly FaultAudit[];
  /** the correct implementation and model under the same configuration: every technique must pass */
  readonly correct: readonly TechniqueResult[];
  /** the correct implementation's property suite under each memory model (must be missed everywhere) */
  readonly correctByMemory: ByMemory;
  readonly summary: {
    readonly faults: number;
    readonly caught: number;
    readonly survivors: readonly string[];
    readonly falseAlarms: readonly string[];
    /** faults the catalogue says the property suite reaches: how many were caught in ≥ 95% of seeds, the worst seed ratio, the largest per-fault median time-to-detect */
    readonly props: { readonly faults: number; readonly atLeast19of20: number; readonly worstSeeds: string; readonly worstMedianMs: number | null };
    readonly elapsedMs: number;
  };
}
