/**
 * Axiomatic enumeration, herd-style: every combination of per-thread runs (each read taking any
 * value its location can hold), every rf choice (a read reads a write of the same location and
 * value), every coherence order per location (initial write first); each candidate is kept iff
 * the memory model says it is consistent. Yields the final state of every consistent execution.
 */
import type { LitmusTest, Val } from './ast.js';
import { showVal, valEq } from './ast.js';
import { DfsChooser } from './dfs.js';
import { LitmusInputError, LitmusUnsupportedError } from './errors.js';
import type { Ev } from './events.js';
import { axiomaticPort, initWrite, type DomainEntry } from './events.js';
import type { AxiomaticModel, StaticRels } from './models/base.js';
import { Rel } from './relation.js';
import { drain, runThread, threadRegInit, type Registers } from './thread-run.js';

/** One run of one thread: its events (reads carry the value they assumed) and final registers. */
interface ThreadRun {
  readonly events: readonly Ev[];
  readonly regs: Registers;
}

/** The final state of a consistent execution. */
export interface FinalState {
  readonly regs: readonly Registers[];
  readonly mem: ReadonlyMap<string, Val>;
}

/** Bounds that keep the enumeration finite and fast; beyond them the test is refused, not judged. */
const MAX_DOMAIN = 16;
const MAX_RUNS_PER_THREAD = 4096;
const MAX_CANDIDATES = 2_000_000;

function allRuns(test: LitmusTest, thread: number, domain: (loc: string) => readonly DomainEntry[], siteBit?: (key: string) => number): ThreadRun[] {
  const th = test.threads[thread];
  if (th === undefined) return [];
  const chooser = new DfsChooser();
  const runs: ThreadRun[] = [];
  const regInit = threadRegInit(test.regInit, thread);
  do {
    const events: Ev[] = [];
    const regs = drain(runThread(test.file, th, axiomaticPort(test.file, thread, domain, chooser.choose, events, siteBit), regInit));
    runs.push({ events, regs });
    if (runs.length > MAX_RUNS_PER_THREAD) throw new LitmusUnsupportedError(test.file, 1, `more than ${MAX_RUNS_PER_THREAD} paths through P${thread}`);
  } while (chooser.advance());
  return runs;
}

/** At most this many write sites are tracked in derivations (bitmask); beyond, none are. */
const MAX_SITES = 30;
const MAX_ENTRIES = 64;

/**
 * The values each location may hold: its initial value, then whatever some run writes when its
 * reads take values already known, repeated to a fixpoint. Each value remembers the write sites it
 * was derived through (data dependencies, and the old value of an arithmetic RMW): a derivation
 * that passes through one site twice needs a value out of thin air, which none of the three models
 * allows (a data dependency is in ppo, hence in hb, under the LKMM; stronger models order more), so
 * it is dropped — that keeps counters (atomic_inc, fetch_add) finite. A value written in a
 * consistent execution is derived through distinct sites, so as many rounds as write sites reach
 * every one; untracked sites (beyond MAX_SITES) only make the domain larger, never smaller.
 */
function valueDomains(test: LitmusTest): Map<string, Val[]> {
  const entries = new Map<string, DomainEntry[]>();
  for (const [loc, v] of test.init) entries.set(loc, [{ v, sites: 0 }]);
  const get = (loc: string): readonly DomainEntry[] => {
    const d = entries.get(loc);
    if (d === undefined) throw new LitmusInputError(test.file, 1, `access to ${loc}, which is not a location of this test`);
    return d;
  };
  const sites = new Map<string, number>();
  const siteBit = (key: string): number => {
    let b = sites.get(key);
    if (b === undefined) {
      b = sites.size < MAX_SITES ? 1 << sites.size : 0;
      sites.set(key, b);
    }
    return b;
  };
  for (let round = 0; ; round++) {
    let changed = false;
    let maxWrites = 0;
    const found: [string, DomainEntry][] = [];
    for (let t = 0; t < test.threads.length; t++) {
      let most = 0;
      for (const run of allRuns(test, t, get, siteBit)) {
        let writes = 0;
        for (const e of run.events) {
          if (e.kind !== 'W') continue;
          writes++;
          if (e.derivation !== -1) found.push([e.loc, { v: e.value, sites: e.derivation }]);
        }
        most = Math.max(most, writes);
      }
      maxWrites += most;
    }
    for (const [loc, n] of found) {
      const d = entries.get(loc) ?? [];
      // keep only minimal derivations: (v, S) makes (v, S') redundant when S ⊆ S'
      if (d.some((x) => valEq(x.v, n.v) && (x.sites & n.sites) === x.sites)) continue;
      const kept = d.filter((x) => !(valEq(x.v, n.v) && (x.sites & n.sites) === n.sites));
      kept.push(n);
      entries.set(loc, kept);
      changed = true;
      if (kept.length > MAX_ENTRIES) throw new LitmusUnsupportedError(test.file, 1, `more than ${MAX_ENTRIES} derivations of values of ${loc}`);
    }
    if (!changed || round > maxWrites) break;
  }
  const dom = new Map<string, Val[]>();
  for (const [loc, es] of entries) {
    const vals: Val[] = [];
    for (const e of es) if (!vals.some((x) => valEq(x, e.v))) vals.push(e.v);
    if (vals.length > MAX_DOMAIN) throw new LitmusUnsupportedError(test.file, 1, `more than ${MAX_DOMAIN} distinct values of ${loc}`);
    if (vals.some((v) => typeof v === 'number') && vals.some((v) => typeof v !== 'number')) {
      throw new LitmusUnsupportedError(test.file, 1, `${loc} holds both integers and pointers (${vals.map(showVal).join(', ')})`);
    }
    dom.set(loc, vals);
  }
  return dom;
}

function* product<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  const idx = lists.map(() => 0);
  if (lists.some((l) => l.length === 0)) return;
  for (;;) {
    yield idx.map((k, i) => lists[i]?.[k] as T);
    let i = lists.length - 1;
    while (i >= 0) {
      const next = (idx[i] ?? 0) + 1;
      if (next < (lists[i]?.length ?? 0)) { idx[i] = next; break; }
      idx[i] = 0;
      i--;
    }
    if (i < 0) return;
  }
}

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  const out: number[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

function staticRels(ev: readonly Ev[]): StaticRels {
  const n = ev.length;
  const thr = ev.map((e) => e.thread);
  const po = Rel.where(n, (i, j) => i < j && thr[i] === thr[j] && thr[i] !== -1);
  const int = Rel.where(n, (i, j) => thr[i] === thr[j]);
  const ext = Rel.where(n, (i, j) => thr[i] !== thr[j]);
  const isMem = (e: Ev | undefined): boolean => e !== undefined && e.kind !== 'F';
  const poLoc = Rel.where(n, (i, j) => po.has(i, j) && isMem(ev[i]) && isMem(ev[j]) && ev[i]?.loc === ev[j]?.loc);
  const rmw = new Rel(n);
  const addr = new Rel(n);
  const data = new Rel(n);
  const ctrl = new Rel(n);
  // read index → event index, per thread
  const readAt = new Map<string, number>();
  ev.forEach((e, i) => { if (e.kind === 'R') readAt.set(`${e.thread}:${e.readIndex}`, i); });
  const deps = (rel: Rel, i: number, mask: number, thread: number): void => {
    for (let b = 0; mask >>> b !== 0; b++) {
      if (((mask >>> b) & 1) === 0) continue;
      const r = readAt.get(`${thread}:${b}`);
      if (r !== undefined) rel.add(r, i);
    }
  };
  ev.forEach((e, i) => {
    if (e.rmwRead) rmw.add(i, i + 1);
    deps(addr, i, e.addr, e.thread);
    deps(data, i, e.data, e.thread);
    deps(ctrl, i, e.ctrl, e.thread);
  });
  return { n, ev, po, int, ext, poLoc, rmw, addr, data, ctrl };
}

/**
 * Every consistent execution of `test` under `model`, as its final state. Counts match herd7's
 * when the events match (one per access; fully ordered RMWs add their two smp_mb fences).
 */
export function* consistentExecutions(test: LitmusTest, model: AxiomaticModel): Generator<FinalState> {
  const dom = new Map([...valueDomains(test)].map(([loc, vs]) => [loc, vs.map((v): DomainEntry => ({ v, sites: 0 }))]));
  const get = (loc: string): readonly DomainEntry[] => dom.get(loc) ?? [];
  const runs = test.threads.map((_, t) => allRuns(test, t, get));
  const locs = [...test.init.keys()].sort();
  let candidates = 0;
  for (const combo of product(runs)) {
    const ev: Ev[] = locs.map((l) => initWrite(l, test.init.get(l) ?? 0));
    for (const run of combo) ev.push(...run.events);
    // rf candidates per read: same location, same value
    const reads: number[] = [];
    const sources: number[][] = [];
    ev.forEach((e, i) => {
      if (e.kind !== 'R') return;
      const src: number[] = [];
      ev.forEach((w, j) => { if (w.kind === 'W' && w.loc === e.loc && valEq(w.value, e.value)) src.push(j); });
      reads.push(i);
      sources.push(src);
    });
    if (sources.some((src) => src.length === 0)) continue;
    const writesByLoc = locs.map((l) => ev.flatMap((e, j) => (e.kind === 'W' && e.loc === l && e.thread !== -1 ? [j] : [])));
    const coChoices = writesByLoc.map((ws) => permutations(ws));
    const s = staticRels(ev);
    const consistent = model.prepare(s);
    for (const rfPick of product(sources)) {
      const rf = new Rel(s.n);
      rfPick.forEach((w, k) => { rf.add(w, reads[k] ?? 0); });
      for (const coPick of product(coChoices)) {
        if (++candidates > MAX_CANDIDATES) throw new LitmusUnsupportedError(test.file, 1, `more than ${MAX_CANDIDATES} candidate executions`);
        const co = new Rel(s.n);
        const mem = new Map<string, Val>();
        coPick.forEach((order, li) => {
          const loc = locs[li] ?? '';
          const chain = [locs.indexOf(loc), ...order];
          for (let a = 0; a < chain.length; a++) for (let b = a + 1; b < chain.length; b++) co.add(chain[a] ?? 0, chain[b] ?? 0);
          mem.set(loc, ev[chain[chain.length - 1] ?? 0]?.value ?? 0);
        });
        const fr = rf.inverse().seq(co);
        if (consistent({ rf, co, fr })) yield { regs: combo.map((r) => r.regs), mem };
      }
    }
  }
}
