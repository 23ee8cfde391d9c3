/**
 * Seeded random walks over a small real machine, counting visits by the ids of
 * `statechartStructure`: a stand-in workload for the run-command tests until the explorer lands.
 */
import { initialTransition, transition, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate';
import { statechartStructure, transitionId } from '../../model/graph.js';
import type { ComponentCoverage } from '../../model/types.js';
import { recountComponent } from '../../report/merge.js';
import { rng } from '../../impl/runtime/schedulers.js';


function activeIds(snap: AnyMachineSnapshot): string[] {
  const ids: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (typeof v === 'string') ids.push(`${prefix}.${v}`);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, sub] of Object.entries(v)) {
        ids.push(`${prefix}.${k}`);
        walk(`${prefix}.${k}`, sub);
      }
    }
  };
  walk(snap.machine.id, snap.value);
  return [snap.machine.id, ...ids];
}

export class VisitCounter {
  readonly visits = new Map<string, number>();
  constructor(readonly machine: AnyStateMachine, readonly events: readonly string[]) {}

  private bump(id: string): void {
    this.visits.set(id, (this.visits.get(id) ?? 0) + 1);
  }

  walk(seed: number, steps: number): void {
    const next = rng(seed);
    let [snap] = initialTransition(this.machine);
    for (const id of activeIds(snap)) this.bump(id);
    for (let i = 0; i < steps; i++) {
      const type = this.events[Math.floor(next() * this.events.length)] ?? 'none';
      const taken = this.machine.getTransitionData(snap, { type });
      const [after] = transition(this.machine, snap, { type });
      for (const t of taken) {
        const target = t.target?.[0]?.id ?? t.source.id;
        const g: unknown = t.guard;
        const guard = typeof g === 'string' ? g : typeof g === 'object' && g !== null && 'type' in g && typeof g.type === 'string' ? g.type : null;
        this.bump(transitionId(t.source.id, type, guard, target));
      }
      if (taken.length > 0) for (const id of activeIds(after)) this.bump(id);
      snap = after;
    }
  }

  coverage(): ComponentCoverage {
    const s = statechartStructure(this.machine);
    return recountComponent(
      s.machineId,
      s.states.map((x) => ({ id: x.id, visits: this.visits.get(x.id) ?? 0 })),
      s.transitions.map((x) => ({ id: x.id, visits: this.visits.get(x.id) ?? 0 })),
    );
  }
}
