/**
 * A counterexample as text: ID, sentence, what was seen, the replay line, the shrunk commands and a
 * per-CPU timeline. One formatter for the CLI and for the property tests' failure messages.
 */
import type { Counterexample } from './types.js';

/** Wraps `text` into pieces of at most `width` characters, breaking at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 2 ? cut : width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

/**
 * The counterexample as a per-CPU timeline: one column per CPU, one row per step, so who did what
 * while the others waited reads straight down a column.
 */
export function formatTimeline(c: Counterexample): string[] {
  if (c.timeline.length === 0) return c.steps.map((s, i) => `${String(i + 1).padStart(4)} ${s}`);
  const cpus = Math.max(...c.timeline.map((e) => e.cpu)) + 1;
  const width = Math.max(22, Math.min(44, Math.floor(120 / cpus) - 3));
  const sep = ' │ ';
  const lines = [`step${sep}${Array.from({ length: cpus }, (_, i) => `cpu${i}`.padEnd(width)).join(sep)}`.trimEnd()];
  lines.push(`${'─'.repeat(4)}─┼─${Array.from({ length: cpus }, () => '─'.repeat(width)).join('─┼─')}`);
  for (const e of c.timeline) {
    wrap(`${e.lane}: ${e.text.replace(/^cpu\d+: /, '')}`, width).forEach((piece, k) => {
      const cells = Array.from({ length: cpus }, (_, i) => (i === e.cpu ? piece : '').padEnd(width));
      lines.push(`${(k === 0 ? String(e.step) : '').padStart(4)}${sep}${cells.join(sep)}`.trimEnd());
    });
  }
  return lines;
}

export function formatCounterexample(c: Counterexample): string {
  const lines = [`${c.invariant} violated after ${c.steps.length} steps: ${c.sentence}`, `  ${c.message}`, `replay: ${c.replay}`];
  // Property counterexamples: the shrunk commands are not the timeline's rows, so list them too.
  const rows = new Set(c.timeline.map((e) => e.text));
  if (c.timeline.length > 0 && c.steps.some((s) => !rows.has(s) && !rows.has(s.replace(/^cpu\d+: /, '')))) {
    lines.push('  shrunk commands:', ...c.steps.map((s, i) => `  ${String(i + 1).padStart(4)}. ${s}`));
  }
  for (const l of formatTimeline(c)) lines.push(`  ${l}`);
  return lines.join('\n');
}
