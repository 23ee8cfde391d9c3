/**
 * The abstract coverage tables people ask about, as data (rendered by coverage-md.ts and
 * abstract-html.ts): per technique its counts; CSD state × target hotplug relation; queue shape ×
 * idle mode. A cell counts the reachable abstract states that contain the pair (a request in that
 * CSD state with a target in that relation; a CPU with that queue shape in that idle mode), and how
 * many of them the technique covered.
 */
import {
  IDLE_MODES, IN_FLIGHT_STATES, parseAbstractKey, QUEUE_SHAPES, TARGET_RELATIONS,
} from '../model/abstract-state.js';
import { TECHNIQUES, type AbstractCoverageReport, type AbstractTechniqueCoverage, type Technique } from '../model/abstract-coverage.js';

export interface PairCell {
  readonly reachable: number;
  /** covered by the property suite (random + guided), or null when it did not run */
  readonly properties: number | null;
}

export interface PairTable {
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  /** cells[row][col] */
  readonly cells: readonly (readonly PairCell[])[];
}

function pairTable(
  r: AbstractCoverageReport, rows: readonly string[], cols: readonly string[], pairs: (key: string) => [string, string][],
): PairTable {
  const props = r.by.properties.status === 'measured' ? new Set(r.by.properties.covered.map(([i]) => i)) : null;
  const reach = rows.map(() => cols.map(() => 0));
  const cov = rows.map(() => cols.map(() => 0));
  r.states.forEach((key, i) => {
    const seen = new Set<string>();
    for (const [a, b] of pairs(key)) {
      const ri = rows.indexOf(a), ci = cols.indexOf(b);
      if (ri < 0 || ci < 0 || seen.has(`${ri},${ci}`)) continue;
      seen.add(`${ri},${ci}`);
      const rr = reach[ri], cc = cov[ri];
      if (rr === undefined || cc === undefined) continue;
      rr[ci] = (rr[ci] ?? 0) + 1;
      if (props?.has(i) === true) cc[ci] = (cc[ci] ?? 0) + 1;
    }
  });
  return {
    rows, cols,
    cells: rows.map((_, ri) => cols.map((_, ci) => ({ reachable: reach[ri]?.[ci] ?? 0, properties: props === null ? null : cov[ri]?.[ci] ?? 0 }))),
  };
}

export function csdByTarget(r: AbstractCoverageReport): PairTable {
  return pairTable(r, IN_FLIGHT_STATES, TARGET_RELATIONS, (k) => parseAbstractKey(k).requests.map((q) => [q.state, q.target]));
}

export function queueByIdle(r: AbstractCoverageReport): PairTable {
  return pairTable(r, QUEUE_SHAPES, IDLE_MODES, (k) => parseAbstractKey(k).cpus.map((c) => [c.queue, c.idle]));
}

export interface TechniqueRow {
  readonly technique: Technique;
  readonly t: AbstractTechniqueCoverage;
  /** denominators: the reachable space, or the projected one for traces */
  readonly ofStates: number;
  readonly ofTransitions: number;
}

export function techniqueRows(r: AbstractCoverageReport): TechniqueRow[] {
  return TECHNIQUES.map((technique) => {
    const t = r.by[technique];
    return { technique, t, ofStates: t.projected?.of ?? r.reachable.states, ofTransitions: t.projected?.ofTransitions ?? r.reachable.transitions };
  });
}

export function pct(a: number, b: number): string {
  return b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`;
}
