/**
 * `runAudit(opts)`: every catalogued fault through every technique that applies, each with the
 * budget, then the correct implementation and model through the same configuration (no false
 * alarms). Sequential on purpose: timings are per technique and the machine is shared.
 */
import { ThreadsSystem } from '../impl/runtime/threads.js';
import type { ImplVariant } from '../impl/variant.js';
import { CATALOGUE, TECHNIQUES, type CatalogueEntry, type Technique } from './catalogue.js';
import { runDetectors } from './detectors.js';
import { modelTechnique, variantWorkload } from './model.js';
import { propertyTechnique } from './props.js';
import type { AuditReport, ByMemory, FaultAudit, MemoryVerdict, TechniqueResult } from './result.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { deterministicStress, threadsStress } from './stress.js';

export interface AuditOptions {
  /** seconds per fault and technique (per seed for the property suite) */
  readonly budgetS: number;
  /** property-suite seeds for the faults the catalogue says it reaches (others: 1) */
  readonly seeds: number;
  readonly seed?: number;
  readonly cpus?: number;
  /** run the threads technique (worker threads) */
  readonly threads?: boolean;
  /** only these catalogue entries (default: all) */
  readonly only?: readonly string[];
  /** audit these entries instead of the catalogue (a user's variant: `audit --variant FILE`) */
  readonly entries?: readonly CatalogueEntry[];
  /** only these techniques (default: all); the others are reported 'n/a' */
  readonly techniques?: readonly Technique[];
  /** memory models the property suite also runs under (default: sc only; sc is the props column) */
  readonly memory?: readonly MemoryModel[];
  readonly signal?: AbortSignal;
  readonly onFault?: (f: FaultAudit) => void;
}

const NA = (technique: Technique): TechniqueResult => ({ technique, status: 'n/a', invariant: null, runs: 0, timeMs: 0, ceLength: null, message: null });

function detectorTechnique(variant: ImplVariant | undefined): TechniqueResult {
  const t0 = performance.now();
  const outs = runDetectors(variant);
  const bad = outs.find((o) => o.failed);
  return {
    technique: 'detector', status: bad === undefined ? 'missed' : 'caught', invariant: bad?.id ?? null, runs: outs.length,
    timeMs: performance.now() - t0, ceLength: bad === undefined ? null : 1, message: bad?.message ?? null,
  };
}

interface Knobs {
  readonly budgetS: number;
  readonly seeds: number;
  readonly seed: number;
  readonly cpus: number;
  readonly on: (t: Technique) => boolean;
  readonly signal?: AbortSignal | undefined;
}

async function implTechniques(variant: ImplVariant | undefined, expected: readonly Technique[], o: Knobs, pool: ThreadsSystem | null): Promise<TechniqueResult[]> {
  const budgetMs = o.budgetS * 1000;
  const base = { variant, cpus: o.cpus, seed: o.seed, budgetMs, ...(o.signal === undefined ? {} : { signal: o.signal }) };
  const correct = variant === undefined;
  return [
    o.on('props') ? await propertyTechnique({ ...base, seeds: correct || expected.includes('props') ? o.seeds : 1 }) : NA('props'),
    o.on('det-random') ? await deterministicStress(base, 'random') : NA('det-random'),
    o.on('det-pct') ? await deterministicStress(base, 'pct') : NA('det-pct'),
    pool === null || !o.on('threads') ? NA('threads') : await threadsStress(pool, base),
    o.on('detector') ? detectorTechnique(variant) : NA('detector'),
  ];
}

/** The property suite under each requested weak model; sc is the props technique's verdict. */
async function byMemoryOf(variant: ImplVariant | undefined, hasImpl: boolean, results: readonly TechniqueResult[], o: Knobs, memory: readonly MemoryModel[]): Promise<ByMemory> {
  const props = results.find((r) => r.technique === 'props');
  const sc: MemoryVerdict = !hasImpl ? 'not checked: model-only fault (no implementation variant)'
    : props === undefined || props.status === 'n/a' ? 'not checked: props technique not selected (--techniques)' : props.status;
  const weak = async (m: 'tso' | 'lkmm'): Promise<MemoryVerdict> => {
    if (!hasImpl) return 'not checked: model-only fault (no implementation variant)';
    if (!memory.includes(m)) return `not checked: ${m} not requested (--memory)`;
    if (!o.on('props')) return 'not checked: props technique not selected (--techniques)';
    if (o.signal?.aborted === true) return 'not checked: interrupted (Ctrl-C)';
    const r = await propertyTechnique({ variant, cpus: o.cpus, seed: o.seed, budgetMs: o.budgetS * 1000, seeds: 1, memory: m, ...(o.signal === undefined ? {} : { signal: o.signal }) });
    return r.status === 'n/a' ? 'not checked: n/a' : r.status;
  };
  return { sc, tso: await weak('tso'), lkmm: await weak('lkmm') };
}

function byTechnique(rs: readonly TechniqueResult[]): TechniqueResult[] {
  return TECHNIQUES.map((t) => rs.find((r) => r.technique === t) ?? NA(t));
}

export async function runAudit(opts: AuditOptions): Promise<AuditReport> {
  const t0 = performance.now();
  const on = (t: Technique): boolean => opts.techniques === undefined || opts.techniques.includes(t);
  const aborted = (): boolean => opts.signal?.aborted === true;
  const o: Knobs = { budgetS: opts.budgetS, seeds: opts.seeds, seed: opts.seed ?? 1, cpus: opts.cpus ?? 3, on, signal: opts.signal };
  const all = opts.entries ?? CATALOGUE;
  const entries: CatalogueEntry[] = opts.only === undefined ? [...all] : all.filter((e) => opts.only?.includes(e.id) === true || e.formerly.some((f) => opts.only?.includes(f) === true));
  const pool = opts.threads === false || !on('threads') ? null : await ThreadsSystem.start({ cpus: o.cpus });
  const faults: FaultAudit[] = [];
  let correct: TechniqueResult[];
  let correctByMemory: ByMemory = { sc: 'not checked: interrupted (Ctrl-C)', tso: 'not checked: interrupted (Ctrl-C)', lkmm: 'not checked: interrupted (Ctrl-C)' };
  const memory = opts.memory ?? ['sc'];
  try {
    for (const e of entries) {
      if (opts.signal?.aborted === true) break;
      const impl = e.implFunctions.length === 0 ? [] : await implTechniques(e.variant, e.caughtBy, o, pool);
      const results = byTechnique([on('model') ? modelTechnique(e.variant.model === null ? null : e.variant) : NA('model'), ...impl]);
      const byMemory = await byMemoryOf(e.variant, e.implFunctions.length > 0, results, o, memory);
      const caughtBy = results.filter((r) => r.status === 'caught').map((r) => r.technique);
      const caughtWeak = byMemory.tso === 'caught' || byMemory.lkmm === 'caught';
      // Ctrl-C cut this fault's techniques short: an uncaught fault then proves nothing; leave it out.
      if (aborted() && caughtBy.length === 0 && !caughtWeak) break;
      const f: FaultAudit = {
        id: e.id, formerly: e.formerly, implFunctions: e.implFunctions, modelRules: e.modelRules, breaks: e.breaks, origin: e.origin, expected: e.caughtBy,
        results, caught: caughtBy.length > 0 || caughtWeak, expectedMissed: e.caughtBy.filter((t) => !caughtBy.includes(t)),
        byMemory, expectedMemory: e.memory,
      };
      faults.push(f);
      opts.onFault?.(f);
    }
    // The same configuration without faults: the model on every workload the model faults use,
    // the implementation through every technique.
    const used = CATALOGUE.map((e) => variantWorkload(e.variant)).filter((w) => w !== null).map((w) => ({ name: w.workload.name, cpus: w.cpus, workload: w.workload }));
    const workloads = [...new Map(used.map((w) => [`${w.name}:${w.cpus}`, w])).values()];
    const modelRuns = on('model') ? workloads.map((w) => modelTechnique(null, w)) : [];
    const modelBad = modelRuns.find((r) => r.status === 'caught');
    const modelTotal: TechniqueResult = !on('model') ? NA('model') : {
      technique: 'model', status: modelBad === undefined ? 'missed' : 'caught', invariant: modelBad?.invariant ?? null,
      runs: modelRuns.reduce((a, r) => a + r.runs, 0), timeMs: modelRuns.reduce((a, r) => a + r.timeMs, 0), ceLength: modelBad?.ceLength ?? null,
      message: modelBad?.message ?? `${workloads.length} workloads explored`,
    };
    const correctRun = opts.signal?.aborted === true ? [] : byTechnique([modelTotal, ...(await implTechniques(undefined, [], o, pool))]);
    // Interrupted while the correct code ran: keep it only if it already raised an alarm.
    correct = aborted() && !correctRun.some((r) => r.status === 'caught') ? [] : correctRun;
    if (!aborted()) correctByMemory = await byMemoryOf(undefined, true, correct, o, memory);
  } finally {
    await pool?.stop();
  }
  const propsFaults = faults.filter((f) => f.expected.includes('props'));
  const propsSeeds = propsFaults.map((f) => f.results.find((r) => r.technique === 'props')?.seeds);
  const medians = propsSeeds.map((s) => s?.medianMs).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const worst = propsSeeds.reduce<{ caught: number; total: number } | null>((w, s) => (s !== undefined && (w === null || s.caught / s.total < w.caught / w.total) ? s : w), null);
  return {
    schema: 'smpcheck.audit/1',
    config: { budgetS: o.budgetS, seeds: o.seeds, seed: o.seed, cpus: o.cpus, threads: pool !== null, techniques: TECHNIQUES.filter(on), memory },
    faults, correct, correctByMemory,
    summary: {
      faults: faults.length,
      caught: faults.filter((f) => f.caught).length,
      // A fault nothing is expected to catch under the requested models (a barrier fault audited
      // under sc only, or one the catalogue documents as missed) is not a survivor.
      survivors: faults.filter((f) => !f.caught && (f.expected.length > 0 || f.expectedMemory.some((m) => memory.includes(m)))).map((f) => f.id),
      falseAlarms: [
        ...correct.filter((r) => r.status === 'caught').map((r) => `${r.technique}: ${r.message ?? ''}`),
        ...(['tso', 'lkmm'] as const).filter((m) => correctByMemory[m] === 'caught').map((m) => `props --memory ${m}`),
      ],
      props: {
        faults: propsFaults.length,
        atLeast19of20: propsSeeds.filter((s) => s !== undefined && s.caught * 20 >= 19 * s.total).length,
        worstSeeds: worst === null ? '-' : `${worst.caught}/${worst.total}`,
        worstMedianMs: medians.length === 0 ? null : medians[medians.length - 1] ?? null,
      },
      elapsedMs: performance.now() - t0,
    },
  };
}
