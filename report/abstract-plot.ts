/**
 * The coverage-against-runs plot: a Vega-Lite spec compiled with `vega-lite` and rendered to SVG
 * in Node by `vega` (no browser, no script in the report). One line per technique and measure
 * (abstract states, abstract transitions, in % of the reachable — for traces: projected — space),
 * x = runs of that technique, so a reader sees whether more runs still buy coverage.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { coverageSeries, type AbstractCoverageReport } from '../model/abstract-coverage.js';
import { techniqueRows } from './abstract-tables.js';

export interface PlotPoint {
  readonly technique: string;
  readonly measure: 'states' | 'transitions';
  readonly runs: number;
  readonly percent: number;
}

export function plotPoints(r: AbstractCoverageReport): PlotPoint[] {
  const out: PlotPoint[] = [];
  for (const row of techniqueRows(r)) {
    const t = row.t;
    if (t.status !== 'measured') continue;
    const p = (v: number, of: number): number => (of === 0 ? 0 : Math.round((1000 * v) / of) / 10);
    const series = t.projected === undefined ? coverageSeries(t) : [{ runs: t.runs, states: t.states, transitions: t.transitions }];
    for (const s of series) {
      out.push({ technique: row.technique, measure: 'states', runs: s.runs, percent: p(s.states, row.ofStates) });
      out.push({ technique: row.technique, measure: 'transitions', runs: s.runs, percent: p(s.transitions, row.ofTransitions) });
    }
  }
  return out;
}

export function plotSpec(points: readonly PlotPoint[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'abstract state coverage against runs, per technique',
    width: 560, height: 260,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'runs', type: 'quantitative', scale: { type: 'symlog' }, title: 'runs of the technique (log scale)' },
      y: { field: 'percent', type: 'quantitative', scale: { domain: [0, 100] }, title: 'coverage (% of reachable abstract space)' },
      color: { field: 'technique', type: 'nominal', title: 'technique' },
      strokeDash: { field: 'measure', type: 'nominal', title: 'measure' },
      shape: { field: 'measure', type: 'nominal', title: 'measure' },
    },
  };
}

/** The SVG text of the plot (throws if vega cannot render it). */
export async function renderCoveragePlot(r: AbstractCoverageReport): Promise<string> {
  const vg = compile(plotSpec(plotPoints(r))).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
