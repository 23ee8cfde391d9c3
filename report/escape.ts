/**
 * Escaping for every output format the reports write. Anything that comes from a trace, a function
 * name or a machine definition reaches a report only through one of these, so a hostile
 * `<img src=x onerror=alert(1)>` function name stays text.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text content and attribute values (double- or single-quoted) in HTML and SVG. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A DOT double-quoted string body. Graphviz reads `\l`, `\n`, `\N` etc. as escapes inside labels,
 * so backslashes are doubled; newlines become `\n` so one id cannot break the statement.
 */
export function escapeDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');
}

/** One cell of a GitHub-flavoured Markdown table: pipes would split the cell, HTML would render. */
export function escapeMarkdownCell(s: string): string {
  return escapeHtml(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code in Markdown; backticks inside become a longer fence. */
export function markdownCode(s: string): string {
  const longest = Math.max(0, ...Array.from(s.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\|/g, '\\|')}${pad}${fence}`;
}
