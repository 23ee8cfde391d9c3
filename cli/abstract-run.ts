/**
 * Abstract state coverage in `check` and `verify`: the reachable space of the configuration, each
 * technique's coverage, and the `abstract` section of coverage.json (model/abstract-coverage.ts).
 */
import {
  buildAbstractReport, explorerCoverage, notRun, type AbstractCoverageReport, type AbstractTechniqueCoverage,
} from '../model/abstract-coverage.js';
import { reachableAbstract, type AbstractReachable } from '../model/abstract-reachable.js';
import type { Counterexample } from '../model/types.js';
import type { PropertySuiteResult } from '../properties/suite.js';
import { fromFastCheckSeed } from './property-run.js';
import { TRACE_OBSERVABLE, TRACE_UNOBSERVABLE, type TraceAbstractCoverage } from '../trace/abstract-trace.js';

export function abstractReachable(cpus: number): AbstractReachable {
  return reachableAbstract({ cpus });
}

export function tracesCoverage(t: TraceAbstractCoverage | null): AbstractTechniqueCoverage {
  if (t === null || t.files === 0) return notRun('no kernel trace was checked');
  return {
    status: 'measured', states: t.states, transitions: t.transitions, runs: t.files, extraStates: t.extraStates,
    note: `${t.files} real kernel trace(s), ${t.events} events, ${t.cpus} CPUs: per-CPU state reconstructed from the events and compared on the projection a trace can observe (${t.cpus}-CPU model space, ${t.of} projected states)`,
    covered: [], coveredTransitions: [],
    projected: {
      fields: [...TRACE_OBSERVABLE], unobservable: [...TRACE_UNOBSERVABLE],
      states: t.states, of: t.of, transitions: t.transitions, ofTransitions: t.ofTransitions,
    },
  };
}

export function abstractReport(
  reach: AbstractReachable,
  parts: { readonly properties?: PropertySuiteResult | undefined; readonly threads?: PropertySuiteResult | undefined; readonly traces?: TraceAbstractCoverage | null },
): AbstractCoverageReport {
  // why the guided pass did not close a transition: its follower's reason
  const reasons = new Map<number, string>();
  for (const u of parts.properties?.abstract?.guided?.unreached ?? []) {
    if (u.transition !== undefined) reasons.set(u.transition, u.reason ?? 'guided: the target state was reached, but not by this event from this source state');
  }
  return buildAbstractReport(reach, {
    explorer: explorerCoverage(reach),
    properties: parts.properties?.abstract?.coverage ?? notRun('the property suite on the deterministic runtime did not run here'),
    threads: parts.threads?.abstract?.coverage ?? notRun('the property suite on the threads runtime did not run here'),
    traces: tracesCoverage(parts.traces ?? null),
  }, reasons);
}

/** One log line per technique: `abstract <technique>: states a/b (x%), transitions c/d (y%)`. */
export function abstractLogLines(r: AbstractCoverageReport): string[] {
  const pct = (a: number, b: number): string => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  return Object.entries<AbstractTechniqueCoverage>(r.by).map(([k, t]) => {
    if (t.status !== 'measured') return `abstract ${k}: not run (${t.note})`;
    const p = t.projected;
    if (p !== undefined) return `abstract ${k}: projected states ${p.states}/${p.of} (${pct(p.states, p.of)}), transitions ${p.transitions}/${p.ofTransitions} (${pct(p.transitions, p.ofTransitions)})`;
    const g = t.guided;
    const random = g === undefined ? '' : `; random only ${g.randomStates} (${pct(g.randomStates, r.reachable.states)}) / ${g.randomTransitions} (${pct(g.randomTransitions, r.reachable.transitions)}), guided closed ${g.closedStates} / ${g.closedTransitions}`;
    return `abstract ${k}: states ${t.states}/${r.reachable.states} (${pct(t.states, r.reachable.states)}), transitions ${t.transitions}/${r.reachable.transitions} (${pct(t.transitions, r.reachable.transitions)})${random}`;
  });
}

/** An invariant broken on a guided run is a finding like any other: one counterexample per message. */
export function guidedViolations(r: PropertySuiteResult, variantArg?: string): Counterexample[] {
  return (r.abstract?.guided?.violations ?? []).map((v) => ({
    invariant: (/^(INV-[A-Z-]+)/.exec(v)?.[1] ?? 'INV-GUIDED') as Counterexample['invariant'], sentence: 'violated on a coverage-guided run',
    message: v, steps: [], timeline: [],
    replay: `npx smpcheck check --guided --cpus ${r.config.cpus} --seed ${fromFastCheckSeed(r.config.seed)} --runs ${r.config.runs}${variantArg === undefined ? '' : ` ${variantArg}`}`,
  }));
}
