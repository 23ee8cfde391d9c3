/**
 * Graphviz DOT for one statechart, generated from `statechartStructure` (never a hand-written
 * layout). Compound and parallel states become clusters; an edge to or from a compound state is
 * drawn to its cluster border (`compound=true` + `lhead`/`ltail` on an invisible anchor node),
 * which is how statecharts are usually drawn. Colour encodes visits: 0 is red and dashed, so what
 * was never covered stands out; otherwise light to dark green on a log scale. Labels stay ASCII
 * (`n=12`, not `×12`): Graphviz's wasm build has no font metrics for other characters.
 */
import type { StatechartStructure, StructureState } from '../model/graph.js';
import { escapeDot } from './escape.js';

const UNVISITED = '#d62728';
// Light → dark green; index chosen by log(visits) / log(max visits).
const SCALE = ['#c7e9c0', '#a1d99b', '#74c476', '#41ab5d', '#238b45', '#006d2c', '#00441b'] as const;

/** Fill/stroke colour for a visit count relative to the most visited item of the same kind. */
export function visitColour(visits: number, max: number): string {
  if (visits <= 0) return UNVISITED;
  if (max <= 1) return SCALE[SCALE.length - 1] ?? UNVISITED;
  const t = Math.log(visits) / Math.log(max);
  const i = Math.min(SCALE.length - 1, Math.max(0, Math.round(t * (SCALE.length - 1))));
  return SCALE[i] ?? UNVISITED;
}

const q = (s: string): string => `"${escapeDot(s)}"`;

export interface DotOptions {
  /** Drawn as the graph label; defaults to the machine id. */
  readonly title?: string;
}

/**
 * @param visits coverage visits by state id and transition id (both from `statechartStructure`);
 *   when omitted the chart is drawn without colours (structure only).
 */
export function toDot(structure: StatechartStructure, visits?: ReadonlyMap<string, number>, opts: DotOptions = {}): string {
  const children = new Map<string, StructureState[]>();
  let root: StructureState | undefined;
  for (const s of structure.states) {
    if (s.parent === null) {
      root = s;
      continue;
    }
    const list = children.get(s.parent) ?? [];
    list.push(s);
    children.set(s.parent, list);
  }
  // Stable short DOT ids by position; the full xstate id goes into `id`/`tooltip` for the SVG.
  const index = new Map(structure.states.map((s, i) => [s.id, i]));
  const nodeName = (id: string): string => `s${index.get(id) ?? -1}`;
  const isCluster = (id: string): boolean => (children.get(id)?.length ?? 0) > 0;
  const anchor = (id: string): string => (isCluster(id) ? `a${index.get(id) ?? -1}` : nodeName(id));

  const maxOf = (ids: readonly string[]): number => Math.max(0, ...ids.map((id) => visits?.get(id) ?? 0));
  const maxState = maxOf(structure.states.map((s) => s.id));
  const maxTransition = maxOf(structure.transitions.map((t) => t.id));
  const colourOf = (id: string, max: number): string | null =>
    visits === undefined ? null : visitColour(visits.get(id) ?? 0, max);
  const countOf = (id: string): string => (visits === undefined ? '' : `\nn=${visits.get(id) ?? 0}`);

  const out: string[] = [];
  out.push(`digraph ${q(structure.machineId)} {`);
  out.push(`  graph [compound=true, rankdir=LR, fontname="Helvetica", fontsize=12, label=${q(opts.title ?? structure.machineId)}, labelloc=t, id=${q(`chart:${structure.machineId}`)}];`);
  out.push('  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#ffffff"];');
  out.push('  edge [fontname="Helvetica", fontsize=9];');

  const emitState = (s: StructureState, depth: number): void => {
    const pad = '  '.repeat(depth + 1);
    const colour = colourOf(s.id, maxState);
    const unvisited = visits !== undefined && (visits.get(s.id) ?? 0) === 0;
    const kids = children.get(s.id) ?? [];
    if (kids.length > 0) {
      const style = [s.type === 'parallel' || unvisited ? 'dashed' : 'solid', 'rounded'];
      out.push(`${pad}subgraph ${q(`cluster_${index.get(s.id) ?? -1}`)} {`);
      out.push(`${pad}  label=${q(`${s.key}${s.type === 'parallel' ? ' (parallel)' : ''}${countOf(s.id).replace('\n', ' ')}`)}; style=${q(style.join(','))}; color=${q(colour ?? '#555555')}; penwidth=${unvisited ? 2 : 1}; id=${q(`state:${s.id}`)}; tooltip=${q(s.description ?? s.id)};`);
      out.push(`${pad}  ${anchor(s.id)} [shape=point, style=invis, width=0.01, label=""];`);
      emitInitial(s, kids, depth + 1);
      for (const k of kids) emitState(k, depth + 1);
      out.push(`${pad}}`);
      return;
    }
    const attrs = [
      `label=${q(`${s.key}${countOf(s.id)}`)}`,
      `id=${q(`state:${s.id}`)}`,
      `tooltip=${q(s.description ?? s.id)}`,
    ];
    if (s.type === 'final') attrs.push('peripheries=2');
    if (s.type === 'history') attrs.push('shape=circle', `label=${q('H')}`);
    if (colour !== null) {
      attrs.push(`color=${q(colour)}`, `fillcolor=${q(unvisited ? '#fde0dd' : '#f7fcf5')}`, 'penwidth=2');
      if (unvisited) attrs.push(`style=${q('rounded,filled,dashed')}`);
    }
    out.push(`${pad}${nodeName(s.id)} [${attrs.join(', ')}];`);
  };

  // Initial pseudo-state: a black dot pointing at the initial child (not for parallel regions,
  // which are all entered at once).
  const emitInitial = (parent: StructureState, kids: readonly StructureState[], depth: number): void => {
    if (parent.type === 'parallel') return;
    const init = kids.find((k) => k.initial);
    if (init === undefined) return;
    const pad = '  '.repeat(depth + 1);
    const dot = `i${index.get(parent.id) ?? -1}`;
    out.push(`${pad}${dot} [shape=point, width=0.12, style=filled, fillcolor="#000000", label=""];`);
    out.push(`${pad}${dot} -> ${anchor(init.id)}${isCluster(init.id) ? ` [lhead=${q(`cluster_${index.get(init.id) ?? -1}`)}]` : ''};`);
  };

  if (root !== undefined) {
    const kids = children.get(root.id) ?? [];
    emitInitial(root, kids, 0);
    for (const k of kids) emitState(k, 0);
    if (kids.length === 0) emitState(root, 0);
  }

  for (const t of structure.transitions) {
    const attrs = [
      `label=${q(`${t.event}${t.guard === null ? '' : ` [${t.guard}]`}${countOf(t.id).replace('\n', ' ')}`)}`,
      `id=${q(`transition:${t.id}`)}`,
      `tooltip=${q(t.id)}`,
    ];
    const colour = colourOf(t.id, maxTransition);
    if (colour !== null) {
      const n = visits?.get(t.id) ?? 0;
      attrs.push(`color=${q(colour)}`, `fontcolor=${q(colour)}`, `penwidth=${n === 0 ? 1.5 : 2}`);
      if (n === 0) attrs.push('style=dashed');
    }
    const src = t.source;
    const dst = t.target;
    // A self-loop on a cluster cannot clip to its own border; draw it on the anchor.
    // No clipping to a cluster that contains the other end (Graphviz would refuse it).
    if (isCluster(src) && src !== dst && !isAncestor(structure, src, dst)) attrs.push(`ltail=${q(`cluster_${index.get(src) ?? -1}`)}`);
    if (isCluster(dst) && src !== dst && !isAncestor(structure, dst, src)) attrs.push(`lhead=${q(`cluster_${index.get(dst) ?? -1}`)}`);
    out.push(`  ${anchor(src)} -> ${anchor(dst)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Is `a` an ancestor of `b`? (Graphviz refuses lhead to a cluster that contains the tail.) */
function isAncestor(structure: StatechartStructure, a: string, b: string): boolean {
  const parent = new Map(structure.states.map((s) => [s.id, s.parent]));
  for (let p = parent.get(b) ?? null; p !== null; p = parent.get(p) ?? null) if (p === a) return true;
  return false;
}
