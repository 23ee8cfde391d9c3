/**
 * `smpcheck merge reports-*\/`: combines the reports of shards (`--shard i/n` runs) into one:
 * visits summed by id, invariant verdicts combined, counterexamples concatenated. When every folder
 * holds a model.json (explore shards, a swarm), those merge too: rows listed in folder order,
 * invariants combined, violations concatenated, coverage summed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { mergeCoverage, mergeInvariants, mergeResults } from '../../report/merge.js';
import type { Counterexample, CoverageReport, InvariantResult } from '../../model/types.js';
import { writeFileAtomic } from '../../report/atomic-write.js';
import { InputError } from '../errors.js';
import { addOutputOptions, prepareOutDir } from '../options.js';
import { loadReportDir, writeAndReport } from './report-dir.js';

interface ModelFile {
  readonly schema: 'smpcheck.model/1';
  readonly rows: readonly unknown[];
  readonly invariants: readonly InvariantResult[];
  readonly violations: readonly Counterexample[];
  readonly coverage: CoverageReport;
}

async function loadModelFile(file: string): Promise<ModelFile> {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
  }
  const m = body as Partial<ModelFile> | null;
  if (m?.schema !== 'smpcheck.model/1' || !Array.isArray(m.rows) || !Array.isArray(m.invariants) || !Array.isArray(m.violations) || typeof m.coverage !== 'object') {
    throw new InputError(`${file}: not a smpcheck model.json (schema smpcheck.model/1 with rows, invariants, violations, coverage)`);
  }
  return m as ModelFile;
}

/** model.json of the merged shards (rows in folder order), or null if some folder has none. */
export async function mergeModelFiles(dirs: readonly string[]): Promise<Omit<ModelFile, 'schema'> | null> {
  if (!dirs.every((d) => existsSync(join(d, 'model.json')))) return null;
  const files: ModelFile[] = [];
  for (const d of dirs) files.push(await loadModelFile(join(d, 'model.json')));
  return {
    rows: files.flatMap((f) => f.rows),
    invariants: mergeInvariants(files.map((f) => f.invariants)),
    violations: files.flatMap((f) => f.violations),
    coverage: mergeCoverage(files.map((f) => f.coverage)),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('merge')
    .description('merge the JSON results and coverage (and model.json of explore shards) of several report folders into one report')
    .argument('<dirs...>', 'report folders, e.g. reports-1 reports-2');
  addOutputOptions(cmd).action(async (dirs: string[], opts: { out: string; json: boolean }) => {
    const out = await prepareOutDir(opts.out);
    const loaded = [];
    for (const d of dirs) loaded.push(await loadReportDir(d));
    const results = mergeResults(loaded.map((l) => l.results));
    const coverage = mergeCoverage(loaded.map((l) => l.coverage));
    const model = await mergeModelFiles(dirs);
    if (model !== null) {
      const body = { schema: 'smpcheck.model/1', generatedAt: new Date().toISOString(), mergedFrom: dirs, ...model };
      await writeFileAtomic(join(out, 'model.json'), `${JSON.stringify(body, null, 2)}\n`);
    }
    await writeAndReport(out, { ...results, runs: { ...results.runs } }, coverage, opts.json);
  });
}
