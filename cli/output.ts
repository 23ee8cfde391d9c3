/**
 * What a command prints when it is done. Human mode: a coverage line per chart, the failing
 * invariants, each counterexample in the house shape (sentence, replay line, numbered steps) and
 * where the reports are. --json: one JSON object on stdout and nothing else there.
 */
import type { Counterexample } from '../model/types.js';
import { percent } from '../report/coverage-md.js';
import { allHold, type ReportInput } from '../report/report-input.js';

export interface JsonResult {
  readonly ok: boolean;
  readonly command: string;
  readonly out: string;
  readonly files: readonly string[];
  readonly runs: ReportInput['runs'];
  readonly coverage: readonly {
    readonly machine: string;
    readonly states: { readonly covered: number; readonly total: number };
    readonly transitions: { readonly covered: number; readonly total: number };
    readonly uncovered: number;
  }[];
  readonly invariants: ReportInput['invariants'];
  readonly counterexamples: ReportInput['counterexamples'];
}

export function jsonResult(input: ReportInput, out: string, files: readonly string[]): JsonResult {
  return {
    ok: allHold(input),
    command: input.runs.command,
    out,
    files,
    runs: input.runs,
    coverage: input.coverage.components.map((c) => ({
      machine: c.machine,
      states: { covered: c.states.covered, total: c.states.total },
      transitions: { covered: c.transitions.covered, total: c.transitions.total },
      uncovered: c.uncovered.states.length + c.uncovered.transitions.length,
    })),
    invariants: input.invariants,
    counterexamples: input.counterexamples,
  };
}

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

export function humanResult(input: ReportInput, out: string): string {
  const lines: string[] = [];
  for (const c of input.coverage.components) {
    lines.push(`${c.machine}: states ${c.states.covered}/${c.states.total} (${percent(c.states)}), transitions ${c.transitions.covered}/${c.transitions.total} (${percent(c.transitions)}), ${c.uncovered.states.length + c.uncovered.transitions.length} uncovered`);
  }
  const counts = { pass: 0, fail: 0, 'not-checked': 0 };
  for (const i of input.invariants) counts[i.status]++;
  lines.push(`invariants: ${counts.pass} hold, ${counts.fail} violated, ${counts['not-checked']} not checked`);
  for (const i of input.invariants) if (i.status === 'fail') lines.push(`  ✗ ${i.id}: ${i.sentence}`);
  for (const c of input.counterexamples) lines.push('', formatCounterexample(c));
  if (input.runs.interrupted) lines.push('', `interrupted after ${input.runs.runs} runs: the reports hold partial results`);
  lines.push('', `reports: ${out}/index.html (also coverage.json, coverage.md, results.json)`);
  return `${lines.join('\n')}\n`;
}

/** Prints the result where it belongs for the mode. */
export function printResult(input: ReportInput, out: string, files: readonly string[], json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(jsonResult(input, out, files))}\n`);
  else process.stdout.write(humanResult(input, out));
}
