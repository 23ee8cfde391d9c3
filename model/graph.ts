/**
 * The structure of a statechart as drawn and as counted by coverage: every state node and every
 * transition, read from the machine definition with @xstate/graph (never a hand-written list).
 * Coverage (model/coverage.ts) and the report's diagrams (report/) both key on these ids, so a
 * transition visited in a run and the arrow drawn for it are the same object by name.
 */
import { toDirectedGraph, type DirectedGraphNode } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';

export interface StructureState {
  /** xstate state node id, e.g. `csd.queued`. */
  readonly id: string;
  /** Parent state node id; the root has none. */
  readonly parent: string | null;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly initial: boolean;
  readonly description: string | null;
}

export interface StructureTransition {
  /** Readable, stable id: `source --EVENT [guard]--> target` (`#2`, `#3`… when repeated). */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly event: string;
  readonly guard: string | null;
}

export interface StatechartStructure {
  readonly machineId: string;
  readonly states: readonly StructureState[];
  readonly transitions: readonly StructureTransition[];
}

function guardName(t: { readonly guard?: unknown }): string | null {
  const g = t.guard;
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && 'type' in g && typeof g.type === 'string') return g.type;
  return 'inline';
}

/** Transition id as used by coverage and diagrams. */
export function transitionId(source: string, event: string, guard: string | null, target: string): string {
  return `${source} --${event}${guard === null ? '' : ` [${guard}]`}--> ${target}`;
}

export function statechartStructure(machine: AnyStateMachine): StatechartStructure {
  const states: StructureState[] = [];
  const transitions: StructureTransition[] = [];
  const seen = new Map<string, number>();
  const walk = (node: DirectedGraphNode, parent: string | null): void => {
    const sn = node.stateNode;
    const isInitial =
      sn.parent !== undefined && sn.parent.initial.target.some((target) => target.id === sn.id);
    states.push({
      id: sn.id,
      parent,
      key: sn.key,
      type: sn.type,
      initial: isInitial,
      description: sn.description ?? null,
    });
    for (const e of node.edges) {
      const guard = guardName(e.transition);
      const base = transitionId(e.source.id, e.label.text, guard, e.target.id);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      transitions.push({
        id: n === 1 ? base : `${base} #${n}`,
        source: e.source.id,
        target: e.target.id,
        event: e.label.text,
        guard,
      });
    }
    for (const c of node.children) walk(c, sn.id);
  };
  walk(toDirectedGraph(machine), null);
  return { machineId: machine.id, states, transitions };
}
