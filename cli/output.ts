/**
 * What a command prints when it is done. Human mode: a coverage line per chart, the failing
 * invariants, each counterexample in the house shape (sentence, replay line, numbered steps) and
 * where the reports are. --json: one JSON object on stdout and nothing else there.
 */
import { formatCounterexample } from '../model/counterexample-text.js';
import { percent } from '../report/coverage-md.js';
import { allHold, closingLine, type ReportInput } from '../report/report-input.js';

export { formatCounterexample, formatTimeline } from '../model/counterexample-text.js';

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
  /** Per-stage verdicts (one for most commands, five for verify). */
  readonly stages: NonNullable<ReportInput['stages']>;
  /** The closing line the human output ends with. */
  readonly verdict: string;
}

/** `extra`: the command's own figures (explore's `workloads[]`, check's `properties`, …). */
export function jsonResult(input: ReportInput, out: string, files: readonly string[], extra: Readonly<Record<string, unknown>> = {}): JsonResult & Record<string, unknown> {
  return {
    ...extra,
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
    stages: input.stages ?? [],
    verdict: closingLine(input),
  };
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
  for (const i of input.invariants) if (i.status === 'not-checked') lines.push(`  – ${i.id}: not checked${i.reason === undefined ? '' : ` (${i.reason})`}`);
  for (const st of input.stages ?? []) lines.push(`stage ${st.stage}: ${st.status} (${st.detail})`);
  for (const c of input.counterexamples) lines.push('', formatCounterexample(c));
  if (input.runs.interrupted) lines.push('', `interrupted after ${input.runs.runs} runs: the reports hold partial results`);
  lines.push('', `reports: ${out}/index.html (also coverage.json, coverage.md, results.json)`);
  lines.push(closingLine(input));
  return `${lines.join('\n')}\n`;
}

/** Prints the result where it belongs for the mode. */
export function printResult(input: ReportInput, out: string, files: readonly string[], json: boolean, extra?: Readonly<Record<string, unknown>>): void {
  if (json) process.stdout.write(`${JSON.stringify(jsonResult(input, out, files, extra))}\n`);
  else process.stdout.write(humanResult(input, out));
}
