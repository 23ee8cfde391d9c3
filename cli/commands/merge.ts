/**
 * `smpcheck merge reports-*\/`: combines the reports of shards (`--shard i/n` runs) into one:
 * visits summed by id, invariant verdicts combined, counterexamples concatenated.
 */
import type { Command } from 'commander';
import { mergeCoverage, mergeResults } from '../../report/merge.js';
import { addOutputOptions, prepareOutDir } from '../options.js';
import { loadReportDir, writeAndReport } from './report-dir.js';

export function register(program: Command): void {
  const cmd = program
    .command('merge')
    .description('merge the JSON results and coverage of several report folders (shards) into one report')
    .argument('<dirs...>', 'report folders, e.g. reports-1 reports-2');
  addOutputOptions(cmd).action(async (dirs: string[], opts: { out: string; json: boolean }) => {
    const out = await prepareOutDir(opts.out);
    const loaded = [];
    for (const d of dirs) loaded.push(await loadReportDir(d));
    const results = mergeResults(loaded.map((l) => l.results));
    const coverage = mergeCoverage(loaded.map((l) => l.coverage));
    await writeAndReport(out, { ...results, runs: { ...results.runs } }, coverage, opts.json);
  });
}
