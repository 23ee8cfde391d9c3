/**
 * Combining shards (`smpcheck merge`): coverage visits add up by id, so a transition covered in any
 * shard is covered in the merge; invariant verdicts combine as fail > pass > not-checked, with
 * their check counts added. Shards of one run share charts, so charts come from the first file.
 */
import type { ComponentCoverage, CoverageItem, CoverageReport, InvariantResult, UnreachableItem } from '../model/types.js';
import { RESULTS_SCHEMA, type ResultsFile } from './report-input.js';

function sumItems(lists: readonly (readonly CoverageItem[])[]): CoverageItem[] {
  const order: string[] = [];
  const visits = new Map<string, number>();
  for (const list of lists) {
    for (const i of list) {
      if (!visits.has(i.id)) order.push(i.id);
      visits.set(i.id, (visits.get(i.id) ?? 0) + i.visits);
    }
  }
  return order.map((id) => ({ id, visits: visits.get(id) ?? 0 }));
}

/**
 * Builds a component's counts from its items: covered = visited at least once; uncovered = zero
 * visits and not explained in `unreachable`. Also what the model's coverage code should produce.
 */
export function recountComponent(
  machine: string,
  states: readonly CoverageItem[],
  transitions: readonly CoverageItem[],
  unreachable: readonly UnreachableItem[] = [],
): ComponentCoverage {
  const explained = new Set(unreachable.map((u) => u.id));
  const missing = (items: readonly CoverageItem[]): string[] => items.filter((i) => i.visits === 0 && !explained.has(i.id)).map((i) => i.id);
  const count = (items: readonly CoverageItem[]) => ({ total: items.length, covered: items.filter((i) => i.visits > 0).length, items });
  return {
    machine,
    states: count(states),
    transitions: count(transitions),
    uncovered: { states: missing(states), transitions: missing(transitions) },
    unreachable,
  };
}

export function mergeCoverage(reports: readonly CoverageReport[]): CoverageReport {
  const machines: string[] = [];
  const byMachine = new Map<string, ComponentCoverage[]>();
  for (const r of reports) {
    for (const c of r.components) {
      if (!byMachine.has(c.machine)) machines.push(c.machine);
      byMachine.set(c.machine, [...(byMachine.get(c.machine) ?? []), c]);
    }
  }
  const components = machines.map((m) => {
    const parts = byMachine.get(m) ?? [];
    // An item is unreachable in the merge only if every shard that saw the machine says so.
    const unreachable = (parts[0]?.unreachable ?? []).filter((u) => parts.every((p) => p.unreachable.some((v) => v.id === u.id)));
    return recountComponent(
      m,
      sumItems(parts.map((p) => p.states.items)),
      sumItems(parts.map((p) => p.transitions.items)),
      unreachable,
    );
  });
  return { schema: 'smpcheck.coverage/1', sources: [...new Set(reports.flatMap((r) => r.sources))], components };
}

const RANK: Readonly<Record<InvariantResult['status'], number>> = { 'not-checked': 0, pass: 1, fail: 2 };

export function mergeInvariants(lists: readonly (readonly InvariantResult[])[]): InvariantResult[] {
  const order: string[] = [];
  const merged = new Map<string, InvariantResult>();
  for (const list of lists) {
    for (const i of list) {
      const prev = merged.get(i.id);
      if (prev === undefined) {
        order.push(i.id);
        merged.set(i.id, i);
        continue;
      }
      merged.set(i.id, {
        ...prev,
        status: RANK[i.status] > RANK[prev.status] ? i.status : prev.status,
        checks: prev.checks + i.checks,
      });
    }
  }
  return order.flatMap((id) => merged.get(id) ?? []);
}

export function mergeResults(files: readonly ResultsFile[], generatedAt: string = new Date().toISOString()): ResultsFile {
  const first = files[0];
  if (first === undefined) throw new Error('nothing to merge');
  const seenReplay = new Set<string>();
  const counterexamples = files.flatMap((f) => f.counterexamples).filter((c) => {
    if (seenReplay.has(c.replay)) return false;
    seenReplay.add(c.replay);
    return true;
  });
  const seeds = new Set(files.map((f) => f.runs.seed));
  return {
    schema: RESULTS_SCHEMA,
    title: first.title,
    generatedAt,
    charts: first.charts,
    invariants: mergeInvariants(files.map((f) => f.invariants)),
    counterexamples,
    sections: files.flatMap((f) => f.sections),
    runs: {
      command: first.runs.command,
      seed: seeds.size === 1 ? first.runs.seed : null,
      runs: files.reduce((n, f) => n + f.runs.runs, 0),
      shards: files.flatMap((f) => f.runs.shards),
      durationMs: files.reduce((n, f) => n + f.runs.durationMs, 0),
      interrupted: files.some((f) => f.runs.interrupted),
    },
  };
}
