/**
 * Combining shards (`smpcheck merge`): coverage visits add up by id, so a transition covered in any
 * shard is covered in the merge; invariant verdicts combine as fail > pass > not-checked, with
 * their check counts added. Shards of one run share charts, so charts come from the first file.
 */
import type { InvariantResult } from '../model/types.js';
import { RESULTS_SCHEMA, type ResultsFile, type StageStatus, type StageVerdict } from './report-input.js';

const STAGE_RANK: Readonly<Record<StageStatus, number>> = { 'not-checked': 0, pass: 1, incomplete: 2, interrupted: 3, fail: 4 };

/** Stages of the same name combine like invariants: the worst status, invariants merged. */
export function mergeStages(lists: readonly (readonly StageVerdict[])[]): StageVerdict[] {
  const order: string[] = [];
  const by = new Map<string, StageVerdict[]>();
  for (const s of lists.flat()) {
    if (!by.has(s.stage)) order.push(s.stage);
    by.set(s.stage, [...(by.get(s.stage) ?? []), s]);
  }
  return order.map((name) => {
    const all = by.get(name) ?? [];
    const worst = all.reduce((w, s) => (STAGE_RANK[s.status] > STAGE_RANK[w.status] ? s : w));
    return { stage: name, status: worst.status, detail: all.length === 1 ? worst.detail : `${all.length} shards; worst: ${worst.detail}`, invariants: mergeInvariants(all.map((s) => s.invariants)) };
  });
}

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
      const status = RANK[i.status] > RANK[prev.status] ? i.status : prev.status;
      const { reason, ...rest } = prev;
      merged.set(i.id, { ...rest, status, checks: prev.checks + i.checks, ...(status === 'not-checked' && reason !== undefined ? { reason } : {}) });
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
  const stages = mergeStages(files.map((f) => f.stages ?? []));
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
    ...(stages.length === 0 ? {} : { stages }),
  };
}
