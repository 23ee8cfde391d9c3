/**
 * A counterexample's timeline as swimlanes: one column per CPU, one row per step, each event a chip
 * coloured by its lane (call / queue / ipi / entry / exit / hotplug / lock). Reading down a column
 * shows what one CPU did; reading across a row shows what happened at the same step elsewhere.
 */
import type { TimelineEntry } from '../model/types.js';
import { escapeHtml } from './escape.js';

export const LANES: readonly TimelineEntry['lane'][] = ['call', 'queue', 'ipi', 'entry', 'exit', 'hotplug', 'lock', 'other'];

export function renderTimelineHtml(timeline: readonly TimelineEntry[]): string {
  if (timeline.length === 0) return '<p class="muted">No timeline recorded.</p>';
  const cpus = [...new Set(timeline.map((e) => e.cpu))].sort((a, b) => a - b);
  const steps = [...new Set(timeline.map((e) => e.step))].sort((a, b) => a - b);
  const head = cpus.map((c) => `<th scope="col">cpu${c}</th>`).join('');
  const rows = steps.map((step) => {
    const cells = cpus.map((cpu) => {
      const chips = timeline
        .filter((e) => e.step === step && e.cpu === cpu)
        .map((e) => `<div class="ev lane-${escapeHtml(e.lane)}" data-lane="${escapeHtml(e.lane)}"><span class="lane">${escapeHtml(e.lane)}</span> ${escapeHtml(e.text)}</div>`)
        .join('');
      return `<td>${chips}</td>`;
    });
    return `<tr><th scope="row">${step}</th>${cells.join('')}</tr>`;
  });
  const legend = LANES.map((l) => `<span class="ev lane-${l}"><span class="lane">${l}</span></span>`).join(' ');
  return `<div class="legend">${legend}</div><table class="timeline"><thead><tr><th scope="col">step</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
