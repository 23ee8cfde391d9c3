/**
 * Shared by `coverage` and `merge`: load a report folder's coverage.json + results.json, write a
 * report set, print it, and turn a violation into exit 1.
 */
import { join } from 'node:path';
import type { CoverageReport } from '../../model/types.js';
import { loadCoverageReport, loadResultsFile } from '../../report/load.js';
import { allHold, toReportInput, type ResultsFile } from '../../report/report-input.js';
import { writeReports } from '../../report/write-reports.js';
import { asCliError, InputError, ViolationError } from '../errors.js';
import { printResult } from '../output.js';
import { violationSummary } from '../run-command.js';

export async function loadReportDir(dir: string): Promise<{ coverage: CoverageReport; results: ResultsFile }> {
  try {
    // one after the other: with both missing, the error names coverage.json every time (in
    // parallel, whichever read failed first won the race)
    const coverage = await loadCoverageReport(join(dir, 'coverage.json'));
    const results = await loadResultsFile(join(dir, 'results.json'));
    return { coverage, results };
  } catch (e) {
    throw asCliError(e);
  }
}

export async function writeAndReport(out: string, results: ResultsFile, coverage: CoverageReport, json: boolean): Promise<void> {
  let input;
  try {
    input = toReportInput(results, coverage);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
  const files = await writeReports(out, input);
  printResult(input, out, files, json);
  if (!allHold(input)) throw new ViolationError(`${violationSummary(input)}; reports in ${out}`);
}
