/**
 * Writes one run's reports into a folder: `coverage.json`, `results.json`, `coverage.md`,
 * `index.html`. Each file is atomic; the HTML is rendered before anything is written, so a
 * Graphviz failure leaves the previous reports in place rather than a mixed set.
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { renderCoverageMarkdown } from './coverage-md.js';
import { renderHtml } from './html.js';
import { closingLine, toResultsFile, type ReportInput } from './report-input.js';

export const REPORT_FILES = ['coverage.json', 'results.json', 'coverage.md', 'index.html'] as const;

export async function writeReports(outDir: string, input: ReportInput): Promise<string[]> {
  const html = await renderHtml(input);
  const files: [string, string][] = [
    ['coverage.json', `${JSON.stringify(input.coverage, null, 2)}\n`],
    ['results.json', `${JSON.stringify(toResultsFile(input), null, 2)}\n`],
    ['coverage.md', renderCoverageMarkdown(input.coverage, { invariants: input.invariants, counterexamples: input.counterexamples, ...(input.stages === undefined ? {} : { stages: input.stages }), closing: closingLine(input) })],
    ['index.html', html],
  ];
  const written: string[] = [];
  for (const [name, data] of files) {
    const path = join(outDir, name);
    await writeFileAtomic(path, data);
    written.push(path);
  }
  return written;
}
