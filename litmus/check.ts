/**
 * The verdict on one litmus test under one model, as herd7 reports it: the final states (with the
 * number of executions reaching each), whether the condition holds (`Ok`/`No`), the positive and
 * negative execution counts, and `Observation NAME Always|Sometimes|Never P N`.
 */
import type { Atom, LitmusTest, Observed, Prop, Val } from './ast.js';
import { showVal, valEq } from './ast.js';
import { consistentExecutions, type FinalState } from './enumerate.js';
import type { AxiomaticModel, MemoryModelName } from './models/base.js';
import { lkmmModel } from './models/lkmm.js';
import { scModel } from './models/sc.js';
import { tsoModel } from './models/tso.js';

export const MODELS: Readonly<Record<MemoryModelName, AxiomaticModel>> = { sc: scModel, tso: tsoModel, lkmm: lkmmModel };

export type Observation = 'Always' | 'Sometimes' | 'Never';

export interface LitmusState {
  /** herd's rendering, e.g. `0:r0=1; 1:r0=0; x=1;` */
  readonly state: string;
  /** executions ending in this state */
  readonly count: number;
  /** the condition's proposition holds in it */
  readonly positive: boolean;
}

export interface LitmusResult {
  readonly name: string;
  readonly model: MemoryModelName;
  /** herd's `Test NAME Allowed|Forbidden|Required` word for the condition's quantifier */
  readonly kind: 'Allowed' | 'Forbidden' | 'Required';
  readonly states: readonly LitmusState[];
  /** the condition is validated (herd's `Ok`) */
  readonly ok: boolean;
  readonly positive: number;
  readonly negative: number;
  readonly observation: Observation;
  readonly condition: string;
}

function atomHolds(a: Atom, s: FinalState): boolean {
  const v = a.k === 'reg' ? s.regs[a.thread]?.get(a.reg) : s.mem.get(a.loc);
  return v !== undefined && valEq(v, a.v);
}

export function holds(p: Prop, s: FinalState): boolean {
  switch (p.k) {
    case 'atom': return atomHolds(p.atom, s);
    case 'const': return p.v;
    case 'not': return !holds(p.p, s);
    case 'and': return holds(p.a, s) && holds(p.b, s);
    case 'or': return holds(p.a, s) || holds(p.b, s);
  }
}

/** What the states show: the condition's registers and locations, then `locations [...]`, herd's order. */
export function observedOf(test: LitmusTest): Observed[] {
  const out: Observed[] = [];
  const key = (o: Observed): string => (o.k === 'reg' ? `${o.thread}:${o.reg}` : o.loc);
  const seen = new Set<string>();
  const push = (o: Observed): void => { if (!seen.has(key(o))) { seen.add(key(o)); out.push(o); } };
  const walk = (p: Prop): void => {
    if (p.k === 'atom') push(p.atom.k === 'reg' ? { k: 'reg', thread: p.atom.thread, reg: p.atom.reg } : { k: 'mem', loc: p.atom.loc });
    else if (p.k === 'not') walk(p.p);
    else if (p.k === 'and' || p.k === 'or') { walk(p.a); walk(p.b); }
  };
  walk(test.condition.prop);
  test.locations.forEach(push);
  // herd sorts registers by thread then name, locations after
  return out.sort((a, b) => {
    if (a.k !== b.k) return a.k === 'reg' ? -1 : 1;
    if (a.k === 'reg' && b.k === 'reg') return a.thread - b.thread || a.reg.localeCompare(b.reg);
    return key(a).localeCompare(key(b));
  });
}

export function renderState(obs: readonly Observed[], s: FinalState): string {
  const val = (o: Observed): Val => (o.k === 'reg' ? s.regs[o.thread]?.get(o.reg) : s.mem.get(o.loc)) ?? 0;
  return obs.map((o) => `${o.k === 'reg' ? `${o.thread}:${o.reg}` : o.loc}=${showVal(val(o))};`).join(' ');
}

export function checkLitmus(test: LitmusTest, model: MemoryModelName): LitmusResult {
  const obs = observedOf(test);
  const states = new Map<string, { count: number; positive: boolean }>();
  let positive = 0;
  let negative = 0;
  for (const s of consistentExecutions(test, MODELS[model])) {
    const pos = holds(test.condition.prop, s);
    if (pos) positive++;
    else negative++;
    const key = renderState(obs, s);
    const st = states.get(key);
    if (st === undefined) states.set(key, { count: 1, positive: pos });
    else st.count++;
  }
  const q = test.condition.quantifier;
  const ok = q === 'exists' ? positive > 0 : q === '~exists' ? positive === 0 : negative === 0;
  const observation: Observation = positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  return {
    name: test.name,
    model,
    kind: q === 'exists' ? 'Allowed' : q === '~exists' ? 'Forbidden' : 'Required',
    states: [...states].sort(([a], [b]) => a.localeCompare(b)).map(([state, v]) => ({ state, count: v.count, positive: v.positive })),
    ok,
    positive,
    negative,
    observation,
    condition: test.condition.text,
  };
}

/** herd7's layout; each state line is `COUNT *>STATE` (`*>` where the proposition holds, `:>` else) as litmus7 prints. */
export function formatResult(r: LitmusResult): string {
  const lines = [`Test ${r.name} ${r.kind}`, `States ${r.states.length}`];
  for (const s of r.states) lines.push(`${String(s.count).padEnd(8)}${s.positive ? '*>' : ':>'}${s.state}`);
  lines.push(r.ok ? 'Ok' : 'No');
  lines.push('Witnesses');
  lines.push(`Positive: ${r.positive} Negative: ${r.negative}`);
  lines.push(`Condition ${r.condition}`);
  lines.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  return lines.join('\n') + '\n';
}
