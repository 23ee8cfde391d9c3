/** A plain HTML table for the report's extra sections (model rows, property runs, traces). */
import { escapeHtml } from './escape.js';

export type Cell = string | number | boolean | null;

export function tableHtml(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (c: Cell): string => (c === null ? '' : escapeHtml(String(c)));
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
