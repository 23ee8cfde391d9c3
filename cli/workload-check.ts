/**
 * `check --workload FILE`: the user's workload(s) on the implementation, one schedule per run of
 * this shard, each checked by refinement against the model's exhaustive exploration of the same
 * workload (final view among the model's terminal views, trace replayed through the model).
 */
import { checkWorkload, describeSmallWorkload, fromModelWorkload } from '../properties/index.js';
import type { Counterexample, InvariantId, InvariantResult } from '../model/types.js';
import type { Workload } from '../model/index.js';
import type { SmallWorkload } from '../properties/refinement/small-workload.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { sentenceOf } from '../properties/invariant-property.js';
import { InputError } from './errors.js';
import type { SelectedVariant } from './options.js';
import type { ShardRun } from './shard.js';
import { loadWorkloadFile } from './workload-file.js';

export const WORKLOAD_SENTENCE = 'the workload run on the implementation under every schedule tried ends in a state the model reaches, through steps the model allows, with every request accounted for';

/** A workload of the file, as the model wrote it and as the implementation runs it. */
export interface FileWorkload {
  readonly w: Workload;
  readonly small: SmallWorkload;
}

/** Loads `--workload FILE` and converts each workload for `cpus` CPUs; bad input is one InputError line. */
export async function loadCheckWorkloads(file: string, cpus: number): Promise<FileWorkload[]> {
  return (await loadWorkloadFile(file)).map((w) => {
    try {
      return { w, small: fromModelWorkload(w, cpus) };
    } catch (e) {
      throw new InputError(`--workload ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

export function checkWorkloadFile(o: {
  readonly file: string;
  readonly workloads: readonly FileWorkload[];
  readonly cpus: number;
  readonly seed: number;
  readonly runs: readonly ShardRun[];
  readonly variant: SelectedVariant | undefined;
  readonly log: (l: string) => void;
  /** memory model of the implementation's runs (the model side stays SC) */
  readonly memory?: MemoryModel;
}): { invariants: InvariantResult[]; counterexamples: Counterexample[]; runs: number } {
  const counterexamples: Counterexample[] = [];
  let runs = 0;
  const failedIds = new Set<InvariantId>();
  const undecided: string[] = [];
  for (const { w, small } of o.workloads) {
    const r = checkWorkload(small, o.runs.map((x) => x.seed), { variant: o.variant?.variant, ...(o.memory === undefined || o.memory === 'sc' ? {} : { memory: o.memory }) });
    if (r.undecided !== undefined) {
      undecided.push(r.undecided);
      o.log(`check --workload ${w.name}: refinement NOT CHECKED (${r.undecided})`);
      continue;
    }
    runs += r.runs;
    o.log(`check --workload ${w.name}: ${r.runs} schedules, ${r.failure === null ? 'refinement holds' : 'REFINEMENT FAILS'}`);
    if (r.failure === null) continue;
    const id = r.failure.invariant;
    failedIds.add(id);
    const k = o.runs[r.runs - 1]?.k ?? 0;
    counterexamples.push({
      invariant: id, sentence: id === 'INV-REFINEMENT' ? WORKLOAD_SENTENCE : sentenceOf(id),
      message: `${id} violated on workload ${w.name} (schedule seed ${r.failure.seed}${r.failure.lateIpis ? ', late IPIs' : ''}): ${r.failure.message}`,
      steps: describeSmallWorkload(small), timeline: [],
      replay: `npx smpcheck check --workload ${o.file} --cpus ${o.cpus} --seed ${o.seed} --runs ${k + 1}${o.variant === undefined ? '' : ` ${o.variant.arg}`}${o.memory === undefined || o.memory === 'sc' ? '' : ` --memory ${o.memory}`}`,
    });
  }
  const invariants: InvariantResult[] = [failedIds.has('INV-REFINEMENT') || undecided.length === 0
    ? { id: 'INV-REFINEMENT', sentence: WORKLOAD_SENTENCE, status: failedIds.has('INV-REFINEMENT') ? 'fail' : 'pass', checks: runs }
    : { id: 'INV-REFINEMENT', sentence: WORKLOAD_SENTENCE, status: 'not-checked', checks: runs, reason: `the model side could not be enumerated: ${undecided.join('; ')}` }];
  for (const id of failedIds) if (id !== 'INV-REFINEMENT') invariants.push({ id, sentence: sentenceOf(id), status: 'fail', checks: runs });
  return { invariants, counterexamples, runs };
}
