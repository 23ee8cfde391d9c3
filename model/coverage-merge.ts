/**
 * Merging coverage reports (explorer + property runs, or shards): visits add up by id, so an item
 * covered in any part is covered in the merge. Pure data: the report layer and `smpcheck merge`
 * use the same function.
 */
import { TECHNIQUES, type AbstractCoverageReport, type AbstractTechniqueCoverage, type Technique } from './abstract-coverage.js';
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
  const abstract = mergeAbstract(reports.flatMap((r) => (r.abstract === undefined ? [] : [r.abstract])));
  return { schema: 'smpcheck.coverage/1', sources: [...new Set(reports.flatMap((r) => r.sources))], components, ...(abstract === null ? {} : { abstract }) };
}

/**
 * Abstract coverage of shards (same configuration, hence the same reachable state list): covered
 * items are united; a shard's runs come after the previous shards' (first-run indices offset), so
 * the coverage-against-runs curve of the merge is exact. The explorer and the traces are the same
 * in every shard (they do not depend on the seed): taken from the first. Reports of another
 * configuration than the first are left out (their indices mean other states).
 */
export function mergeAbstract(parts: readonly AbstractCoverageReport[]): AbstractCoverageReport | null {
  const first = parts[0];
  if (first === undefined) return null;
  const same = parts.filter((p) => p.states.length === first.states.length && p.states[0] === first.states[0] && p.config.cpus === first.config.cpus);
  if (same.length === 1) return first;
  const mergeTech = (t: Technique): AbstractTechniqueCoverage => {
    const list = same.map((p) => p.by[t]).filter((x) => x.status === 'measured');
    const head = list[0];
    if (head === undefined) return first.by[t];
    if (t === 'explorer' || t === 'traces') return head;
    const st = new Map<number, number>(), tr = new Map<number, number>();
    let runs = 0, extra = 0;
    for (const x of list) {
      for (const [i, r] of x.covered) if (!st.has(i)) st.set(i, runs + r);
      for (const [i, r] of x.coveredTransitions) if (!tr.has(i)) tr.set(i, runs + r);
      runs += x.runs;
      extra = Math.max(extra, x.extraStates);
    }
    const sorted = (m: Map<number, number>): [number, number][] => [...m].sort((a, b) => a[0] - b[0]);
    return {
      status: 'measured', states: st.size, transitions: tr.size, runs, extraStates: extra,
      note: `${head.note} (merged from ${list.length} shards; guided figures per shard in each shard's coverage.json)`,
      covered: sorted(st), coveredTransitions: sorted(tr),
    };
  };
  const by = Object.fromEntries(TECHNIQUES.map((t) => [t, mergeTech(t)])) as Record<Technique, AbstractTechniqueCoverage>;
  const covered = new Set(by.properties.covered.map(([i]) => i));
  // the uncovered list is rebuilt from the first shard's paths (every shard lists the same reachable states)
  const paths = new Map(same.flatMap((p) => p.uncovered.map((u) => [u.state, u] as const)));
  const coveredT = new Set(by.properties.coveredTransitions.map(([i]) => i));
  const tkey = (from: string, kind: string, to: string): string => `${from}\t${kind}\t${to}`;
  const tpaths = new Map(same.flatMap((p) => p.uncoveredTransitions.map((u) => [tkey(u.from, u.kind, u.to), u] as const)));
  return {
    ...first, by,
    uncovered: first.states.flatMap((k, i) => {
      if (covered.has(i)) return [];
      const u = paths.get(k);
      return u === undefined ? [] : [u];
    }),
    uncoveredTransitions: first.transitions.flatMap(([a, kind, b], i) => {
      if (coveredT.has(i)) return [];
      const u = tpaths.get(tkey(first.states[a] ?? '', kind, first.states[b] ?? ''));
      return u === undefined ? [] : [u];
    }),
  };
}
