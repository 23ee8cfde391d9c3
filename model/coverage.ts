/**
 * Component coverage: composed region states/transitions projected onto the component charts
 * (`csd`, `hotplug`) by their statechartStructure ids (graph.ts). A run records visits with
 * `CoverageCounter.visitState` / `visitTransitions`; `report()` gives the CoverageReport.
 */
import type { AnyStateMachine } from 'xstate';
import { csdMachine } from './csd-chart.js';
import { statechartStructure, transitionId, type StatechartStructure } from './graph.js';
import { hotplugMachine } from './hotplug-chart.js';
import type { ComponentCoverage, CoverageReport, UnreachableItem } from './types.js';

interface TransitionDefinitionLike {
  readonly source: { readonly id: string };
  readonly target?: readonly { readonly id: string }[] | undefined;
  readonly eventType: string;
  readonly guard?: unknown;
}

const COMPONENTS: readonly { readonly machine: AnyStateMachine; readonly region: RegExp }[] = [
  { machine: csdMachine as unknown as AnyStateMachine, region: /^smp\.req\d+\.?/ },
  { machine: hotplugMachine as unknown as AnyStateMachine, region: /^smp\.cpu\d+\.?/ },
];

/** Map a composed state node id (`smp.req3.queued`) to its component id (`csd.queued`). */
export function componentStateId(id: string): string | null {
  for (const c of COMPONENTS) {
    const m = c.region.exec(id);
    if (m !== null) return id.length === m[0].length ? null : `${c.machine.id}.${id.slice(m[0].length)}`;
  }
  return null;
}

function guardType(g: unknown): string | null {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && 'type' in g && typeof g.type === 'string') return g.type;
  return 'inline';
}

export class CoverageCounter {
  readonly structures: readonly StatechartStructure[] = COMPONENTS.map((c) => statechartStructure(c.machine));
  private readonly states = new Map<string, number>();
  private readonly transitions = new Map<string, number>();
  constructor(readonly sources: readonly string[] = ['explorer']) {}

  /** region → leaf → [state id, component root] (or null), and definition → transition id: computed once each. */
  private readonly stateIds = new Map<string, Map<string, readonly [string, string] | null>>();
  private readonly transitionIds = new Map<TransitionDefinitionLike, string | null>();
  visitState(value: Record<string, string>): void {
    for (const region in value) {
      const leaf = value[region] ?? '';
      let byLeaf = this.stateIds.get(region);
      if (byLeaf === undefined) this.stateIds.set(region, (byLeaf = new Map<string, readonly [string, string] | null>()));
      let ids = byLeaf.get(leaf);
      if (ids === undefined) {
        const id = componentStateId(`smp.${region}.${leaf}`);
        ids = id === null ? null : [id, id.slice(0, id.indexOf('.'))];
        byLeaf.set(leaf, ids);
      }
      if (ids === null) continue;
      this.states.set(ids[0], (this.states.get(ids[0]) ?? 0) + 1);
      this.states.set(ids[1], (this.states.get(ids[1]) ?? 0) + 1);
    }
  }
  visitTransitions(defs: readonly TransitionDefinitionLike[]): void {
    for (const t of defs) {
      let id = this.transitionIds.get(t);
      if (id === undefined) {
        const src = componentStateId(t.source.id);
        const tgt = t.target?.[0] === undefined ? src : componentStateId(t.target[0].id);
        id = src === null || tgt === null ? null : transitionId(src, t.eventType, guardType(t.guard), tgt);
        this.transitionIds.set(t, id);
      }
      if (id === null) continue;
      this.transitions.set(id, (this.transitions.get(id) ?? 0) + 1);
    }
  }
  merge(o: CoverageCounter): void {
    for (const [k, v] of o.states) this.states.set(k, (this.states.get(k) ?? 0) + v);
    for (const [k, v] of o.transitions) this.transitions.set(k, (this.transitions.get(k) ?? 0) + v);
  }
  report(unreachable: readonly UnreachableItem[] = []): CoverageReport {
    const explained = new Set(unreachable.map((u) => u.id));
    const components: ComponentCoverage[] = this.structures.map((st) => {
      const states = st.states.map((s) => ({ id: s.id, visits: this.states.get(s.id) ?? 0 }));
      const transitions = st.transitions.map((t) => ({ id: t.id, visits: this.transitions.get(t.id) ?? 0 }));
      return {
        machine: st.machineId,
        states: { total: states.length, covered: states.filter((x) => x.visits > 0).length, items: states },
        transitions: { total: transitions.length, covered: transitions.filter((x) => x.visits > 0).length, items: transitions },
        uncovered: {
          states: states.filter((x) => x.visits === 0 && !explained.has(x.id)).map((x) => x.id),
          transitions: transitions.filter((x) => x.visits === 0 && !explained.has(x.id)).map((x) => x.id),
        },
        unreachable: unreachable.filter((u) => u.id.startsWith(`${st.machineId}.`)),
      };
    });
    return { schema: 'smpcheck.coverage/1', sources: [...this.sources], components };
  }
}
