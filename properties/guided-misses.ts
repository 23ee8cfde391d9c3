/**
 * Why an abstract transition is still uncovered after the guided pass (properties/guided.ts): its
 * shortest model path is followed once more with every observed abstract key logged, and the miss
 * is put in one class:
 * - `lost-before`: the follower got lost on an earlier event of the path (its reason);
 * - `lost-at-last`: it got lost on the transition's own event (its reason);
 * - `via-intermediate`: it reached the target, but the implementation went from `from` to `to`
 *   through other reachable abstract states (it takes the model's one step in several);
 * - `from-not-seen`: it reached the target without passing `from` right before;
 * - `covered`: the transition is taken now (the miss was elsewhere: another run or schedule).
 * Used by the coverage report's transition misses and by `test/properties/guided-misses.test.ts`.
 */
import { AbstractCoverage } from '../model/abstract-coverage.js';
import type { AbstractReachable } from '../model/abstract-reachable.js';
import type { ImplVariant } from '../impl/variant.js';
import { followPath } from './guided.js';

export type MissClass = 'lost-before' | 'lost-at-last' | 'via-intermediate' | 'from-not-seen' | 'covered';

export interface TransitionMiss {
  readonly transition: number;
  readonly kind: string;
  readonly workload: string;
  readonly cls: MissClass;
  /** the follower's reason without the step number (`cpu1: HP_DYING: no actor for it is enabled`), or the intermediate states */
  readonly detail: string;
}

/** An AbstractCoverage that also keeps every key it observed, in order. */
class KeyLog extends AbstractCoverage {
  readonly keys: string[] = [];
  constructor(reach: AbstractReachable) {
    super(reach, 'steps');
  }
  override observe(key: string, kind?: string): void {
    this.keys.push(key);
    super.observe(key, kind);
  }
}

/** Strip the step number so reasons group: `step 7 (cpu1: IPI): x` → `IPI: x`. */
export function reasonKind(reason: string): string {
  return reason.replace(/^step \d+ \(cpu\d+: ([A-Z_]+)\): /, '$1: ');
}

export function classifyMiss(reach: AbstractReachable, t: number, variant?: ImplVariant): TransitionMiss {
  const tr = reach.transitions[t];
  if (tr === undefined) throw new Error(`no transition ${t}`);
  const from = reach.states[tr.from]?.key ?? '';
  const to = reach.states[tr.to]?.key ?? '';
  const log = new KeyLog(reach);
  const r = followPath({ key: to, workload: tr.workload, path: tr.path }, reach.config.cpus, log, undefined, variant);
  const base = { transition: t, kind: tr.kind, workload: tr.workload };
  if (log.hasTransition(t)) return { ...base, cls: 'covered', detail: '' };
  if (r.reason !== null) {
    return { ...base, cls: r.events < tr.path.length - 1 ? 'lost-before' : 'lost-at-last', detail: reasonKind(r.reason) };
  }
  const end = log.keys.lastIndexOf(to);
  const start = log.keys.lastIndexOf(from, end);
  if (start < 0) return { ...base, cls: 'from-not-seen', detail: '' };
  const mids = log.keys.slice(start + 1, end).filter((k) => log.index.has(k) && k !== from && k !== to);
  return { ...base, cls: mids.length > 0 ? 'via-intermediate' : 'from-not-seen', detail: mids.join(' => ') };
}

/** Classify every transition not in `covered`; counts by class and event kind. */
export function classifyMisses(reach: AbstractReachable, covered: ReadonlySet<number>, variant?: ImplVariant): { misses: TransitionMiss[]; counts: Map<string, number> } {
  const misses: TransitionMiss[] = [];
  const counts = new Map<string, number>();
  reach.transitions.forEach((_, t) => {
    if (covered.has(t)) return;
    const m = classifyMiss(reach, t, variant);
    misses.push(m);
    const k = `${m.cls}\t${m.kind}\t${m.cls === 'via-intermediate' ? '' : m.detail}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  return { misses, counts };
}
