/**
 * Merging coverage reports (explorer + property runs, or shards): visits add up by id, so an item
 * covered in any part is covered in the merge. Pure data: the report layer and `smpcheck merge`
 * use the same function.
 */
import type { ComponentCoverage, CoverageItem, CoverageReport, UnreachableItem } from './types.js';

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
