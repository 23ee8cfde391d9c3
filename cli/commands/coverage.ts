/**
 * `smpcheck coverage [dir]`: re-renders coverage.md and index.html (and rewrites the JSON) from the
 * coverage.json + results.json a run left in `dir`, e.g. after downloading a CI artifact.
 */
import type { Command } from 'commander';
import { addOutputOptions, DEFAULT_OUT, prepareOutDir } from '../options.js';
import { loadReportDir, writeAndReport } from './report-dir.js';

export function register(program: Command): void {
  const cmd = program
    .command('coverage')
    .description('re-render the coverage tables and HTML report from an existing coverage.json + results.json')
    .argument('[dir]', 'folder holding coverage.json and results.json (default: --out)');
  addOutputOptions(cmd, DEFAULT_OUT).action(async (dir: string | undefined, opts: { out: string; json: boolean }) => {
    const from = dir ?? opts.out;
    const { coverage, results } = await loadReportDir(from);
    // Written into --out when given, else back into the folder read.
    const outGiven = cmd.getOptionValueSource('out') !== 'default';
    const out = await prepareOutDir(outGiven ? opts.out : (dir ?? DEFAULT_OUT));
    await writeAndReport(out, results, coverage, opts.json);
  });
}
