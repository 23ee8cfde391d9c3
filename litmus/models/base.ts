/**
 * What every model sees of a candidate execution: the events and the relations fixed by the
 * threads' runs (`po`, dependencies, `rmw`, …), then per choice of `rf` and `co` the rest.
 * A model is `prepare(static) → (dynamic) → consistent?`, so the static part is computed once
 * per combination of thread runs, not once per rf/co choice.
 */
import type { Ev } from '../events.js';
import { Rel } from '../relation.js';

export interface StaticRels {
  readonly n: number;
  readonly ev: readonly Ev[];
  readonly po: Rel;
  /** same thread (init writes are their own thread) */
  readonly int: Rel;
  readonly ext: Rel;
  /** `po & loc` over memory events */
  readonly poLoc: Rel;
  readonly rmw: Rel;
  readonly addr: Rel;
  readonly data: Rel;
  readonly ctrl: Rel;
}

export interface DynamicRels {
  readonly rf: Rel;
  readonly co: Rel;
  readonly fr: Rel;
}

export type MemoryModelName = 'sc' | 'tso' | 'lkmm';

export type Consistency = (d: DynamicRels) => boolean;

export interface AxiomaticModel {
  readonly name: MemoryModelName;
  prepare(s: StaticRels): Consistency;
}

export const isR = (e: Ev | undefined): boolean => e?.kind === 'R';
export const isW = (e: Ev | undefined): boolean => e?.kind === 'W';
export const isM = (e: Ev | undefined): boolean => e?.kind === 'R' || e?.kind === 'W';

/** `[S]` from a predicate over events. */
export function setOf(s: StaticRels, p: (e: Ev) => boolean): (i: number) => boolean {
  const mask = s.ev.map(p);
  return (i) => mask[i] === true;
}

/** Coherence (SC per location) and RMW atomicity: the axioms all three models share. */
export function coherentAndAtomic(s: StaticRels, d: DynamicRels): boolean {
  if (!s.poLoc.union(d.rf, d.co, d.fr).acyclic()) return false;
  const fre = d.fr.inter(s.ext);
  const coe = d.co.inter(s.ext);
  return s.rmw.inter(fre.seq(coe)).isEmpty();
}

/** `fencerel(K)` = po ; [F of kind K] ; po */
export function fencerel(s: StaticRels, kind: Ev['fence']): Rel {
  const isK = setOf(s, (e) => e.kind === 'F' && e.fence === kind);
  return s.po.restrict(() => true, isK).seq(s.po);
}

export { Rel };
