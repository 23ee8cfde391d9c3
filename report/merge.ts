/**
 * Combining shards (`smpcheck merge`): coverage visits add up by id, so a transition covered in any
 * shard is covered in the merge; invariant verdicts combine as fail > pass > not-checked, with
 * their check counts added. Shards of one run share charts, so charts come from the first file.
 */
import type { InvariantResult } from '../model/types.js';
import { RESULTS_SCHEMA, type ResultsFile } from './report-input.js';

export { mergeCoverage, recountComponent } from '../model/coverage-merge.js';

const RANK: Readonly<Record<InvariantResult['status'], number>> = { 'not-checked': 0, pass: 1, fail: 2 };

export function mergeInvariants(lists: readonly (readonly InvariantResult[])[]): InvariantResult[] {
  const order: string[] = [];
  const merged = new Map<string, InvariantResult>();
  for (const list of lists) {
    for (const i of list) {
      const prev = merged.get(i.id);
      if (prev === undefined) {
        order.push(i.id);
        merged.set(i.id, i);
        continue;
      }
      merged.set(i.id, {
        ...prev,
        status: RANK[i.status] > RANK[prev.status] ? i.status : prev.status,
        checks: prev.checks + i.checks,
      });
    }
  }
  return order.flatMap((id) => merged.get(id) ?? []);
}

export function mergeResults(files: readonly ResultsFile[], generatedAt: string = new Date().toISOString()): ResultsFile {
  const first = files[0];
  if (first === undefined) throw new Error('nothing to merge');
  const seenReplay = new Set<string>();
  const counterexamples = files.flatMap((f) => f.counterexamples).filter((c) => {
    if (seenReplay.has(c.replay)) return false;
    seenReplay.add(c.replay);
    return true;
  });
  const seeds = new Set(files.map((f) => f.runs.seed));
  return {
    schema: RESULTS_SCHEMA,
    title: first.title,
    generatedAt,
    charts: first.charts,
    invariants: mergeInvariants(files.map((f) => f.invariants)),
    counterexamples,
    sections: files.flatMap((f) => f.sections),
    runs: {
      command: first.runs.command,
      seed: seeds.size === 1 ? first.runs.seed : null,
      runs: files.reduce((n, f) => n + f.runs.runs, 0),
      shards: files.flatMap((f) => f.runs.shards),
      durationMs: files.reduce((n, f) => n + f.runs.durationMs, 0),
      interrupted: files.some((f) => f.runs.interrupted),
    },
  };
}
