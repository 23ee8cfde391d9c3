/**
 * The abstract coverage section of `index.html`: counts by technique, the CSD state × target and
 * queue shape × idle mode tables, the coverage-against-runs plot (abstract-plot.ts) and every
 * uncovered state with its shortest model path as a per-CPU timeline. `data-*` attributes carry
 * the numbers so the browser test can compare them with coverage.json.
 */
import type { AbstractCoverageReport } from '../model/abstract-coverage.js';
import type { TimelineEntry } from '../model/types.js';
import { csdByTarget, pct, queueByIdle, techniqueRows, type PairTable } from './abstract-tables.js';
import { renderCoveragePlot } from './abstract-plot.js';
import { escapeHtml } from './escape.js';
import { renderTimelineHtml } from './timeline-html.js';

const MAX_TIMELINES = 30;

function pairHtml(id: string, rowTitle: string, t: PairTable): string {
  const head = t.cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows.map((r, ri) => {
    const cells = t.cols.map((c, ci) => {
      const cell = t.cells[ri]?.[ci];
      if (cell === undefined || cell.reachable === 0) return `<td class="num muted" data-row="${escapeHtml(r)}" data-col="${escapeHtml(c)}" data-reachable="0">–</td>`;
      const cov = cell.properties === null ? '' : `${cell.properties}/`;
      const miss = cell.properties !== null && cell.properties < cell.reachable ? ' zero' : '';
      return `<td class="num${miss}" data-row="${escapeHtml(r)}" data-col="${escapeHtml(c)}" data-reachable="${cell.reachable}" data-covered="${cell.properties ?? ''}">${cov}${cell.reachable}</td>`;
    }).join('');
    return `<tr><th>${escapeHtml(r)}</th>${cells}</tr>`;
  }).join('');
  return `<table class="pairs" id="${id}"><thead><tr><th>${escapeHtml(rowTitle)}</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function pathTimeline(path: readonly string[]): TimelineEntry[] {
  return path.map((e, i) => {
    const m = /^cpu(\d+): (\w+)$/.exec(e);
    const type = m?.[2] ?? e;
    const lane: TimelineEntry['lane'] = type === 'CALL' || type === 'RETURN' ? 'call' : type === 'QUEUE' || type === 'SEND' ? 'queue'
      : type === 'IPI' ? 'ipi' : type === 'FLUSH_RUN' ? 'entry' : type === 'FLUSH_DONE' ? 'exit' : type.startsWith('HP_') ? 'hotplug' : 'other';
    return { step: i + 1, cpu: Number(m?.[1] ?? 0), lane, text: type };
  });
}

export async function abstractSectionHtml(r: AbstractCoverageReport): Promise<string> {
  const rows = techniqueRows(r).map(({ technique, t, ofStates, ofTransitions }) => {
    const g = t.guided;
    const guided = g === undefined ? '' : `<br><span class="muted">random only: <span data-random-states>${g.randomStates}</span> states (${pct(g.randomStates, ofStates)}), <span data-random-transitions>${g.randomTransitions}</span> transitions (${pct(g.randomTransitions, ofTransitions)}); guided (${g.runs} runs) closed ${g.closedStates} / ${g.closedTransitions}</span>`;
    if (t.status !== 'measured') return `<tr data-technique="${technique}" data-status="not-run"><td>${technique}</td><td colspan="5" class="muted">not run: ${escapeHtml(t.note)}</td></tr>`;
    const proj = t.projected === undefined ? '' : ' (projected)';
    return `<tr data-technique="${technique}" data-status="measured"><td>${technique}${proj}</td>`
      + `<td class="num"><span data-states>${t.states}</span>/<span data-of-states>${ofStates}</span></td><td class="num">${pct(t.states, ofStates)}</td>`
      + `<td class="num"><span data-transitions>${t.transitions}</span>/<span data-of-transitions>${ofTransitions}</span></td><td class="num">${pct(t.transitions, ofTransitions)}</td>`
      + `<td class="num" data-runs>${t.runs}</td><td>${escapeHtml(t.note)}${guided}${t.projected === undefined ? '' : `<br><span class="muted">not observable in a trace: ${escapeHtml(t.projected.unobservable.join('; '))}</span>`}</td></tr>`;
  }).join('');
  const svg = await renderCoveragePlot(r);
  const unc = r.uncovered.slice(0, MAX_TIMELINES).map((u, i) => `<details class="uncovered-state" data-state="${escapeHtml(u.state)}"><summary><code>${escapeHtml(u.state)}</code> <span class="muted">(${u.path.length} steps, workload ${escapeHtml(u.workload)})</span></summary>${i < MAX_TIMELINES ? renderTimelineHtml(pathTimeline(u.path)) : ''}</details>`).join('');
  const more = r.uncovered.length > MAX_TIMELINES ? `<p class="muted">… and ${r.uncovered.length - MAX_TIMELINES} more (coverage.json lists all with their paths).</p>` : '';
  return `<section id="abstract" data-reachable-states="${r.reachable.states}" data-reachable-transitions="${r.reachable.transitions}">
<h2>Abstract state coverage</h2>
<p>Configuration: ${r.config.cpus} CPUs, workloads ${escapeHtml(r.config.workloads.join(', '))} (${r.config.concreteStates} model states) → <strong>${r.reachable.states}</strong> reachable abstract states, <strong>${r.reachable.transitions}</strong> abstract transitions (model/README.md, "Abstract state coverage").</p>
<table class="abstract-techniques"><thead><tr><th>technique</th><th>states</th><th>%</th><th>transitions</th><th>%</th><th>runs</th><th>how</th></tr></thead><tbody>${rows}</tbody></table>
<h3>Coverage against runs</h3>
<figure class="diagram" id="abstract-plot">${svg}</figure>
<h3>CSD state × target hotplug relation</h3>
<p class="muted">Cells: reachable abstract states holding a request in that state with its target in that relation, as covered-by-the-property-suite/reachable.</p>
${pairHtml('csd-by-target', 'CSD state', csdByTarget(r))}
<h3>Queue shape × idle mode</h3>
<p class="muted">Cells: reachable abstract states with a CPU of that queue shape in that idle mode (covered/reachable).</p>
${pairHtml('queue-by-idle', 'queue', queueByIdle(r))}
<h3>Uncovered by the property suite (${r.uncovered.length})</h3>
${r.uncovered.length === 0 ? '<p class="ok verdict">Every reachable abstract state was covered.</p>' : unc + more}
<p class="muted" id="abstract-uncovered-transitions" data-count="${r.uncoveredTransitions.length}">${r.uncoveredTransitions.length} reachable abstract transitions not taken by the property suite: coverage.md groups them by event and reason, coverage.json lists each with its shortest model path.</p>
</section>`;
}
