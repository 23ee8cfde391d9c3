/**
 * `index.html`: one self-contained page (inline CSS and SVG, no script, no network; a CSP forbids
 * both so a report opened from a CI artifact cannot phone home). Per chart: the diagram coloured by
 * visits, the counts, what was not covered. Then the invariants and each counterexample as a
 * per-CPU timeline with its replay command. Every string from a run goes through `escapeHtml`;
 * only `sections[].markdownOrHtml` is inserted as is, because our own writers produce it.
 */
import type { ComponentCoverage, Counterexample, CoverageItem, InvariantResult } from '../model/types.js';
import { toDot } from './dot.js';
import { escapeHtml } from './escape.js';
import { percent } from './coverage-md.js';
import type { ReportChart, ReportInput, StageVerdict } from './report-input.js';
import { allHold, closingLine, failedStages } from './report-input.js';
import { renderSvg } from './svg.js';
import { renderTimelineHtml } from './timeline-html.js';
import { abstractSectionHtml } from './abstract-html.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#1b1b1b}
h1{margin-bottom:.2em} .muted{color:#666} code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;margin:.5em 0} th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;padding:.2em .7em;border-radius:4px;font-weight:600}
.ok{background:#e5f5e0;color:#00441b} .bad{background:#fde0dd;color:#67000d} .nc{background:#eee;color:#444}
.diagram{overflow:auto;border:1px solid #eee;padding:.5em;margin:.5em 0} .diagram svg{max-width:100%;height:auto}
.zero td{color:#b30000}
.timeline td{min-width:12em} .ev{margin:.1em 0;padding:.1em .3em;border-radius:3px;font-family:ui-monospace,monospace;font-size:12px}
.legend .ev{display:inline-block} .lane{font-weight:600;margin-right:.3em}
.lane-call{background:#eef} .lane-queue{background:#fff3cd} .lane-ipi{background:#ffd8b1} .lane-entry{background:#d4f4dd}
.lane-exit{background:#c3e6cb} .lane-hotplug{background:#f8d7da} .lane-lock{background:#e2d9f3} .lane-other{background:#eee}
pre.replay{background:#f6f8fa;padding:.5em;overflow:auto}
`;

function countsHtml(c: ComponentCoverage): string {
  const span = (key: string, v: number): string => `<span data-count="${key}">${v}</span>`;
  return `<p class="counts">States: ${span('states.covered', c.states.covered)} of ${span('states.total', c.states.total)} covered (${percent(c.states)}); transitions: ${span('transitions.covered', c.transitions.covered)} of ${span('transitions.total', c.transitions.total)} covered (${percent(c.transitions)}).</p>`;
}

function itemsTable(kind: 'state' | 'transition', items: readonly CoverageItem[]): string {
  const rows = items
    .map((i) => `<tr class="${i.visits === 0 ? 'zero' : ''}" data-kind="${kind}" data-id="${escapeHtml(i.id)}"><td><code>${escapeHtml(i.id)}</code></td><td class="num" data-visits>${i.visits}</td></tr>`)
    .join('');
  return `<table class="items"><thead><tr><th>${kind}</th><th>visits</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function listHtml(title: string, ids: readonly string[]): string {
  if (ids.length === 0) return '';
  return `<h4>${escapeHtml(title)} (${ids.length})</h4><ul class="uncovered">${ids.map((id) => `<li><code>${escapeHtml(id)}</code></li>`).join('')}</ul>`;
}

async function chartHtml(chart: ReportChart): Promise<string> {
  const c = chart.coverage;
  const visits = new Map<string, number>([...c.states.items, ...c.transitions.items].map((i) => [i.id, i.visits]));
  const svg = await renderSvg(toDot(chart.structure, visits, { title: chart.name }));
  const uncovered = listHtml('Uncovered states', c.uncovered.states) + listHtml('Uncovered transitions', c.uncovered.transitions);
  const unreachable =
    c.unreachable.length === 0
      ? ''
      : `<h4>Unreachable in this configuration (${c.unreachable.length})</h4><ul>${c.unreachable.map((u) => `<li><code>${escapeHtml(u.id)}</code>: ${escapeHtml(u.reason)}</li>`).join('')}</ul>`;
  return `<article class="chart" data-machine="${escapeHtml(c.machine)}">
<h3>${escapeHtml(chart.name)} <span class="muted">(<code>${escapeHtml(c.machine)}</code>)</span></h3>
${countsHtml(c)}
<figure class="diagram">${svg}</figure>
${uncovered === '' ? '<p class="ok verdict">Everything reachable was covered.</p>' : uncovered}
${unreachable}
<details><summary>Visits per state and transition</summary>${itemsTable('state', c.states.items)}${itemsTable('transition', c.transitions.items)}</details>
</article>`;
}

function invariantsHtml(invariants: readonly InvariantResult[], stages: readonly StageVerdict[]): string {
  if (invariants.length === 0) return '<p class="muted">No invariants were checked in this run.</p>';
  const cls = { pass: 'ok', fail: 'bad', 'not-checked': 'nc' } as const;
  const label = (i: InvariantResult): string => (i.status === 'not-checked' ? 'not checked' : i.status);
  // One column per stage: its own verdict on the invariant ("–" when that stage does not evaluate it).
  const stageCell = (st: StageVerdict, id: string): string => {
    const i = st.invariants.find((x) => x.id === id);
    if (i === undefined) return '<td class="muted" data-stage-status="absent">–</td>';
    const why = i.status === 'not-checked' && i.reason !== undefined ? ` <span class="muted">(${escapeHtml(i.reason)})</span>` : '';
    const partial = i.status === 'pass' && (st.status === 'incomplete' || st.status === 'interrupted') ? ` <span class="muted">(${st.status})</span>` : '';
    return `<td data-stage-status="${i.status}"><span class="verdict ${cls[i.status]}">${label(i)}</span>${why}${partial}</td>`;
  };
  const head = stages.map((st) => `<th data-stage="${escapeHtml(st.stage)}">${escapeHtml(st.stage)}</th>`).join('');
  const rows = invariants
    .map((i) => `<tr data-invariant="${escapeHtml(i.id)}" data-status="${i.status}"><td><code>${escapeHtml(i.id)}</code></td><td><span class="verdict ${cls[i.status]}">${label(i)}</span>${i.status === 'not-checked' && i.reason !== undefined ? ` <span class="muted">(${escapeHtml(i.reason)})</span>` : ''}</td><td class="num">${i.checks}</td>${stages.map((st) => stageCell(st, i.id)).join('')}<td>${escapeHtml(i.sentence)}</td></tr>`)
    .join('');
  return `<table class="invariants"><thead><tr><th>id</th><th>status</th><th>checks</th>${head}<th>sentence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function stagesHtml(stages: readonly StageVerdict[]): string {
  if (stages.length === 0) return '';
  const cls: Record<StageVerdict['status'], string> = { pass: 'ok', fail: 'bad', incomplete: 'nc', interrupted: 'nc', 'not-checked': 'nc' };
  const rows = stages.map((st) => `<tr data-stage="${escapeHtml(st.stage)}" data-status="${st.status}"><td><code>${escapeHtml(st.stage)}</code></td><td><span class="verdict ${cls[st.status]}">${st.status}</span></td><td>${escapeHtml(st.detail)}</td></tr>`).join('');
  return `<table class="stages"><thead><tr><th>stage</th><th>verdict</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function counterexampleHtml(c: Counterexample, n: number): string {
  const steps = c.steps.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return `<article class="counterexample" id="cx-${n}" data-invariant="${escapeHtml(c.invariant)}">
<h3><code>${escapeHtml(c.invariant)}</code> violated after ${c.steps.length} steps</h3>
<p>${escapeHtml(c.sentence)}</p>
<p class="bad verdict">${escapeHtml(c.message)}</p>
<pre class="replay">${escapeHtml(c.replay)}</pre>
${renderTimelineHtml(c.timeline)}
<details><summary>Steps (${c.steps.length})</summary><ol>${steps}</ol></details>
</article>`;
}

export async function renderHtml(input: ReportInput): Promise<string> {
  const ok = allHold(input);
  const stages = input.stages ?? [];
  const failed = failedStages(input);
  const partial = stages.find((st) => st.status === 'incomplete' || st.status === 'interrupted');
  const badge = !ok ? `failed${failed.length > 0 ? `: ${failed.join(', ')}` : ': invariant violated'}` : partial !== undefined ? `all checked invariants hold; ${partial.stage} ${partial.status}` : 'all invariants hold';
  const charts: string[] = [];
  // Sequential on purpose: one wasm Graphviz instance, and it is not re-entrant.
  for (const chart of input.charts) charts.push(await chartHtml(chart));
  const r = input.runs;
  const summary = `${escapeHtml(r.command)} · seed ${r.seed === null ? '–' : r.seed} · ${r.runs} runs${r.shards.length > 0 ? ` · shards ${escapeHtml(r.shards.join(', '))}` : ''} · ${(r.durationMs / 1000).toFixed(1)} s${r.interrupted ? ' · <strong>interrupted (partial results)</strong>' : ''}`;
  const sources = input.coverage.sources.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ');
  const abstract = input.coverage.abstract === undefined ? '' : await abstractSectionHtml(input.coverage.abstract);
  const sections = input.sections.map((s) => `<section class="extra"><h2>${escapeHtml(s.title)}</h2>${s.markdownOrHtml}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${escapeHtml(input.title)}</h1>
<p><span class="verdict ${ok ? (partial === undefined ? 'ok' : 'nc') : 'bad'}" id="verdict">${escapeHtml(badge)}</span></p>
<p id="closing"><code>${escapeHtml(closingLine(input))}</code></p>
<p class="muted">Generated ${escapeHtml(input.generatedAt)} · ${summary}${sources === '' ? '' : ` · coverage from ${sources}`}</p></header>
${stages.length === 0 ? '' : `<section id="stages"><h2>Stages</h2>${stagesHtml(stages)}</section>`}
<section id="invariants"><h2>Invariants</h2>${invariantsHtml(input.invariants, stages)}</section>
<section id="counterexamples"><h2>Counterexamples (${input.counterexamples.length})</h2>${input.counterexamples.length === 0 ? '<p class="muted">None found.</p>' : input.counterexamples.map(counterexampleHtml).join('\n')}</section>
<section id="coverage"><h2>Coverage</h2>${charts.join('\n')}</section>
${abstract}
${sections}
</body></html>
`;
}
