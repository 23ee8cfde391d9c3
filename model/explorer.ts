/**
 * Explicit-state explorer: breadth-first over every reachable state of the composed model for one
 * workload, checking every invariant in every state/step/terminal state. States are kept only as
 * long as they are on the frontier, as compact bytes (state-codec.ts); the seen-set holds their
 * 64-bit fingerprints (fingerprint-set.ts); per state only the parent index and the event remain,
 * so the shortest counterexample per violated invariant is re-derived by replaying its events.
 * The parallel form (parallel-explorer.ts) shares the set between worker threads.
 */
import { abstractKey, abstractOfModel } from './abstract-state.js';
import { CoverageCounter } from './coverage.js';
import { applyModelRules, type ModelVariant } from './variant.js';
import { INVARIANTS, type Invariant } from './invariants.js';
import { FastStepper, type FastSnapshot, type TakenTransition } from './fast-step.js';
import { FingerprintSet, FULL, INSERTED, type FingerprintSetInit } from './fingerprint-set.js';
import { StateCodec, type Fingerprint } from './state-codec.js';
import { StateQueue } from './state-queue.js';
import { Stepper, viewOf, type ModelState, type SystemSnapshot, type SystemView } from './step.js';
import { createSystemMachine, SYS_EVENT_TYPES, type SysEvent, type SystemMachine } from './system.js';
import { timelineEntry } from './timeline.js';
import type { Counterexample, CoverageReport, InvariantId, InvariantResult } from './types.js';
import { compileWorkload, findWorkload, type CompiledWorkload, type Workload } from './workload.js';

export interface ExploreProgress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  /** States found but not yet expanded (the BFS frontier). */
  readonly queue: number;
  readonly elapsedMs: number;
}

export interface ExploreOptions {
  readonly cpus: number;
  readonly workload: Workload | string;
  /** a variant of the model (variant.ts); default the correct rules */
  readonly variant?: ModelVariant;
  readonly maxStates?: number;
  /** Bytes for the fingerprint table (default: enough for maxStates); when it is 3/4 full the search stops (`complete: false`). */
  readonly tableBytes?: number;
  /** Seed of the fingerprint hash (swarm shards use different ones). */
  readonly hashSeed?: number;
  /** Swarm: a seed that permutes each state's successor order (0 = the fixed CPU/event order). */
  readonly orderSeed?: number;
  /** Swarm: states at this depth are not expanded (the run is then incomplete, bound named). */
  readonly maxDepth?: number;
  readonly coverage?: boolean;
  /** Also collect the abstract states and abstract transitions (abstract-state.ts) with shortest paths. */
  readonly abstract?: boolean;
  /** 'fast' (default): the stepper derived from the machine; 'xstate': machine.transition. */
  readonly stepper?: 'fast' | 'xstate';
  readonly onProgress?: (p: ExploreProgress) => void;
}

/** Where the memory went (bytes), and what the fingerprint set costs in certainty. */
export interface ExploreMemory {
  readonly tableBytes: number;
  readonly tableSlots: number;
  readonly tableEntries: number;
  /** Peak bytes of encoded frontier states (all workers). */
  readonly queuePeakBytes: number;
  /** Bytes of parent/event records kept in memory for counterexamples (5 per state on one thread). */
  readonly traceBytes: number;
  /** The same records written to files instead (worker threads: 5 per state; trace-log.ts). */
  readonly traceFileBytes: number;
  /** Chance that two distinct states shared a 64-bit fingerprint (then one of them was not explored). */
  readonly collisionProbability: number;
}

export interface ExploreResult {
  readonly config: { readonly cpus: number; readonly workload: string; readonly variant: string | null; readonly maxStates: number };
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly complete: boolean;
  /** Why the search stopped early (bound reached), naming the knob; null when exhaustive. */
  readonly bound: string | null;
  readonly invariants: InvariantResult[];
  readonly violations: Counterexample[];
  readonly deadlocks: number;
  readonly terminals: number;
  readonly coverage: CoverageReport;
  /** With `abstract: true`: every reachable abstract state with its shortest path, and the abstract transitions. */
  readonly abstract: ExploredAbstract | null;
  /** Worker threads that expanded states (1 = this thread). */
  readonly workers: number;
  /** Parallel runs: milliseconds until every worker had loaded the model (part of elapsedMs). */
  readonly startupMs?: number;
  readonly memory: ExploreMemory;
}

export interface ExploredAbstract {
  /** Abstract key → the BFS-shortest event path (within this workload) to a state with that abstraction. */
  readonly states: ReadonlyMap<string, readonly SysEvent[]>;
  /** `from\tKIND\tto` for every model step whose abstraction changed (from ≠ to) → a shortest path taking it. */
  readonly transitions: ReadonlyMap<string, readonly SysEvent[]>;
}

export const DEFAULT_MAX_STATES = 2_000_000;

/** Table bytes that hold `maxStates` fingerprints below the 3/4 fill limit (8 bytes a slot, power of two). */
export function tableBytesFor(maxStates: number): number {
  let slots = 1024;
  while (slots * 0.75 < maxStates + 64) slots *= 2;
  return slots * 8;
}

/** States expanded between two yield points of `exploreSteps` (a few ms of work). */
const SLICE = 2048;

/** An event as one byte: type index × 8 + cpu (≤ 8 CPUs, 15 types). */
export function eventCode(e: SysEvent): number {
  return SYS_EVENT_TYPES.indexOf(e.type) * 8 + e.cpu;
}
export function eventOf(code: number): SysEvent {
  return { type: SYS_EVENT_TYPES[code >>> 3] ?? 'CALL', cpu: code & 7 };
}

/** Growable typed arrays for per-state records. */
export class GrowInt32 {
  a = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
}
export class GrowUint8 {
  a = new Uint8Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Uint8Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
}

/** The machine, stepper and codec for one exploration; shared by the sequential and parallel explorers. */
export interface ModelSetup {
  readonly workload: Workload;
  readonly cw: CompiledWorkload;
  readonly machine: SystemMachine;
  readonly st: Stepper;
  readonly fast: FastStepper | null;
  readonly codec: StateCodec;
  readonly initial: ModelState;
  /** One step (`taken` receives the transitions, fast stepper only); the same object when nothing is enabled. */
  readonly step: (s: ModelState, e: SysEvent, taken?: TakenTransition[]) => ModelState;
}

export function setupModel(workload: Workload, cpus: number, variant: ModelVariant | undefined, stepper: 'fast' | 'xstate' | undefined): ModelSetup {
  const cw = compileWorkload(workload, cpus);
  const base = createSystemMachine({ workload: cw });
  const machine = variant === undefined ? base : applyModelRules(base, cw, variant.rules);
  const st = new Stepper(machine, cw);
  const fast = stepper === 'xstate' ? null : new FastStepper(machine, cw);
  const x0 = st.initial();
  const initial: ModelState = fast === null ? x0 : fast.initial(x0);
  const codec = new StateCodec(machine.root, x0.context);
  const step = fast === null
    ? (s: ModelState, e: SysEvent): ModelState => {
      const snap = 'machine' in s ? (s as SystemSnapshot) : machine.resolveState(s as never);
      const n = st.step(snap, e);
      return n === snap ? s : n;
    }
    : (s: ModelState, e: SysEvent, taken?: TakenTransition[]): ModelState => fast.step(s as FastSnapshot, e, taken);
  return { workload, cw, machine, st, fast, codec, initial, step };
}

/** Replays `events` from the initial state: the views along the path (initial first). */
export function replayViews(m: ModelSetup, events: readonly SysEvent[]): SystemView[] {
  let s = m.initial;
  const views = [viewOf(s, m.cw)];
  for (const e of events) {
    s = m.step(s, e);
    views.push(viewOf(s, m.cw));
  }
  return views;
}

/** A counterexample for `inv` from its event path (replayed for the views). */
export function counterexampleOf(m: ModelSetup, variant: ModelVariant | undefined, inv: Invariant, msg: string, events: readonly SysEvent[]): Counterexample {
  const views = replayViews(m, events);
  const v0 = views[0] as SystemView;
  const timeline = events.map((e, k) => timelineEntry(k + 1, e, views[k] ?? v0, m.cw, views[k + 1]));
  return {
    invariant: inv.id, sentence: inv.sentence, message: msg, steps: timeline.map((t) => t.text), timeline,
    replay: `npx smpcheck explore --cpus ${m.cw.n} --workload ${m.workload.name}${variant === undefined ? '' : ` ${variant.cliArg}`}`,
  };
}

export function boundText(kind: 'maxStates' | 'table' | 'interrupted' | 'maxDepth', states: number, depth: number, o: { maxStates: number; table: FingerprintSet; maxDepth?: number }): string {
  if (kind === 'maxDepth') return `explorer stopped at depth bound --max-depth ${o.maxDepth ?? 0} (maxDepth) after ${states} states; states at that depth were not expanded`;
  if (kind === 'interrupted') return `explorer interrupted (Ctrl-C) after ${states} states; reached depth ${depth}`;
  if (kind === 'table') {
    return `explorer stopped: fingerprint table full (${o.table.limit} of ${o.table.slots} slots, ${Math.round(o.table.bytes / 2 ** 20)} MiB; tableBytes, --table-mb) after ${states} states; reached depth ${depth}; give it more memory`;
  }
  return `explorer stopped at --max-states ${o.maxStates} (maxStates); reached depth ${depth}; raise it to explore further`;
}

/** Exhaustive exploration, run to the end (or to `maxStates`). */
export function explore(opts: ExploreOptions): ExploreResult {
  const g = exploreSteps(opts);
  for (let r = g.next(false); ; r = g.next(false)) if (r.done === true) return r.value;
}

/**
 * The same exploration as a generator: it yields every SLICE expanded states, and `next(true)`
 * stops it there (`complete: false`, bound "interrupted"). The CLI drives it between event-loop
 * turns so that Ctrl-C is seen within a slice; `explore` drives it straight through.
 */
export function* exploreSteps(opts: ExploreOptions): Generator<void, ExploreResult, boolean> {
  const workload = typeof opts.workload === 'string' ? findWorkload(opts.workload) : opts.workload;
  const fault = opts.variant;
  const m = setupModel(workload, opts.cpus, fault, opts.stepper);
  const { cw, machine, codec } = m;
  const xstate = m.fast === null;
  /** The fast stepper's states are plain objects: decode into the codec's reused arrays (none is kept past its expansion). */
  const REUSE = !xstate;
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const cov = new CoverageCounter(['explorer']);
  const wantCov = opts.coverage !== false;
  const wantAbs = opts.abstract === true;
  const seed = opts.hashSeed ?? 0;
  const t0 = performance.now();

  const tableInit: FingerprintSetInit = { bytes: opts.tableBytes ?? tableBytesFor(maxStates) };
  const table = new FingerprintSet(tableInit);
  /** With `abstract`: table slot → state index (to find a known state's abstraction). */
  const slotIndex = wantAbs ? new Int32Array(table.slots) : null;
  const queue = new StateQueue();
  const parent = new GrowInt32();
  const via = new GrowUint8();
  const depthOf = new GrowInt32();
  const fp: Fingerprint = { hi: 0, lo: 0 };
  const found = new Map<InvariantId, Counterexample>();
  let transitions = 0;
  let deadlocks = 0;
  let terminals = 0;
  let depth = 0;
  let states = 0;

  const eventsTo = (i: number): SysEvent[] => {
    const out: SysEvent[] = [];
    for (let k = i; k > 0; k = parent.a[k] ?? 0) out.push(eventOf(via.a[k] ?? 0));
    return out.reverse();
  };
  const record = (inv: Invariant, msg: string, at: number, extra: SysEvent | null): void => {
    if (found.has(inv.id)) return;
    const events = eventsTo(at);
    if (extra !== null) events.push(extra);
    found.set(inv.id, counterexampleOf(m, fault, inv, msg, events));
  };
  const stateInvs = INVARIANTS.filter((x) => x.kind === 'state');
  const stepInvs = INVARIANTS.filter((x) => x.kind === 'step');
  const finalInvs = INVARIANTS.filter((x) => x.kind === 'final');
  let stateChecks = 0, stepChecks = 0, finalChecks = 0;
  const checkState = (i: number, v: SystemView): void => {
    stateChecks++;
    for (const inv of stateInvs) {
      const msg = inv.check(v, cw);
      if (msg !== null) record(inv, msg, i, null);
    }
  };

  const absIds = new Map<string, number>();
  const absFirst: number[] = [];
  const absOf = new GrowInt32();
  const absTrans = new Map<string, [number, SysEvent]>();
  const absNames: string[] = [];
  const noteTrans = (i: number, j: number, event: SysEvent): void => {
    const a = absOf.a[i] ?? -1, b = absOf.a[j] ?? -1;
    if (a === b) return;
    const k = `${absNames[a] ?? ''}\t${event.type}\t${absNames[b] ?? ''}`;
    const old = absTrans.get(k);
    if (old === undefined || (depthOf.a[i] ?? 0) < (depthOf.a[old[0]] ?? 0)) absTrans.set(k, [i, event]);
  };
  const noteAbstract = (j: number, v: SystemView): void => {
    if (!wantAbs) return;
    const k = abstractKey(abstractOfModel(v, cw));
    let id = absIds.get(k);
    if (id === undefined) {
      id = absNames.length;
      absIds.set(k, id);
      absNames.push(k);
      absFirst.push(j);
    }
    absOf.push(id);
  };

  /** Adds a state found from `from` by `event`; -1 if known (its index is then `knownIndex`), -2 if the table is full. */
  let knownIndex = -1;
  const add = (s: ModelState, v: SystemView, from: number, event: SysEvent | null): number => {
    codec.encode(s as never);
    codec.fingerprint(seed, fp);
    const r = table.add(fp.hi, fp.lo);
    if (r === FULL) return -2;
    if (r !== INSERTED) {
      if (slotIndex !== null) knownIndex = slotIndex[table.lastSlot] ?? -1;
      return -1;
    }
    const j = states++;
    if (slotIndex !== null) slotIndex[table.lastSlot] = j;
    queue.push(codec.buf, codec.length, j);
    parent.push(from);
    via.push(event === null ? 0 : eventCode(event));
    const d = from < 0 ? 0 : (depthOf.a[from] ?? 0) + 1;
    depthOf.push(d);
    if (d > depth) depth = d;
    noteAbstract(j, v);
    checkState(j, v);
    return j;
  };
  add(m.initial, viewOf(m.initial, cw), -1, null);
  let stop: 'maxStates' | 'table' | 'interrupted' | 'maxDepth' | null = null;
  const maxDepth = opts.maxDepth ?? Infinity;
  let depthCut = false;
  let order = (opts.orderSeed ?? 0) >>> 0;
  /** xorshift32 on `order`: the swarm's successor permutation, deterministic per seed. */
  const shuffle = (a: unknown[]): void => {
    for (let k = a.length - 1; k > 0; k--) {
      order ^= order << 13; order >>>= 0;
      order ^= order >>> 17;
      order ^= order << 5; order >>>= 0;
      const r = order % (k + 1);
      const x = a[k];
      a[k] = a[r];
      a[r] = x;
    }
  };
  const taken: TakenTransition[] = [];
  const succ: { event: SysEvent; next: ModelState; taken: TakenTransition[] }[] = [];
  expand: for (let i = 0; i < states; i++) {
    if (states >= maxStates) {
      stop = 'maxStates';
      break;
    }
    if (i % SLICE === SLICE - 1 && (yield)) {
      stop = 'interrupted';
      break;
    }
    queue.shift();
    if ((depthOf.a[i] ?? 0) >= maxDepth) {
      depthCut = true;
      continue;
    }
    const s: ModelState = REUSE ? codec.decodeReusing(queue.buf, queue.off) : codec.decode(queue.buf, queue.off);
    if (wantCov) cov.visitState(s.value as Record<string, string>);
    succ.length = 0;
    for (const event of m.st.candidates(s)) {
      const t: TakenTransition[] = wantCov ? [] : taken;
      taken.length = 0;
      const next = m.step(s, event, t);
      if (next === s) continue;
      if (wantCov && xstate) t.push(...machine.getTransitionData(machine.resolveState(s as never), event));
      succ.push({ event, next, taken: t });
    }
    if (order !== 0) shuffle(succ);
    const before = viewOf(s, cw);
    if (succ.length === 0) {
      terminals++;
      finalChecks++;
      for (const inv of finalInvs) {
        const msg = inv.check(before, cw);
        if (msg !== null) {
          if (inv.id === 'INV-NO-DEADLOCK') deadlocks++;
          record(inv, msg, i, null);
        }
      }
      continue;
    }
    for (const { event, next, taken: t } of succ) {
      transitions++;
      if (wantCov) cov.visitTransitions(t);
      // a step that left every region's leaf as it was shares the leaf lists of the state it left
      const after: SystemView = next.value === s.value ? { hotplug: before.hotplug, csd: before.csd, ctx: next.context } : viewOf(next, cw);
      stepChecks++;
      for (const inv of stepInvs) {
        const msg = inv.check(before, event, after, cw);
        if (msg !== null) record(inv, msg, i, event);
      }
      const j = add(next, after, i, event);
      if (j === -2) {
        stop = 'table';
        break expand;
      }
      if (wantAbs) noteTrans(i, j === -1 ? knownIndex : j, event);
    }
    if (opts.onProgress !== undefined && i % 5000 === 0) {
      opts.onProgress({ states, transitions, depth, queue: states - i - 1, elapsedMs: performance.now() - t0 });
    }
  }
  if (stop === null && depthCut) stop = 'maxDepth';
  const elapsedMs = performance.now() - t0;
  const checks = (inv: Invariant): number => (inv.kind === 'state' ? stateChecks : inv.kind === 'step' ? stepChecks : finalChecks);
  const invariants: InvariantResult[] = INVARIANTS.map((inv) => ({
    id: inv.id, sentence: inv.sentence,
    status: found.has(inv.id) ? 'fail' : checks(inv) > 0 ? 'pass' : 'not-checked',
    checks: checks(inv),
  }));
  return {
    config: { cpus: cw.n, workload: workload.name, variant: fault?.id ?? null, maxStates },
    states, transitions, depth, elapsedMs,
    statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
    complete: stop === null,
    bound: stop === null ? null : boundText(stop, states, depth, { maxStates, table, ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }) }),
    invariants, violations: [...found.values()], deadlocks, terminals,
    coverage: cov.report(),
    abstract: wantAbs
      ? {
        states: new Map(absNames.map((k, id) => [k, eventsTo(absFirst[id] ?? 0)])),
        transitions: new Map([...absTrans].map(([k, [i, e]]) => [k, [...eventsTo(i), e]])),
      }
      : null,
    workers: 1,
    memory: {
      tableBytes: table.bytes, tableSlots: table.slots, tableEntries: table.size, queuePeakBytes: queue.peakBytes,
      traceBytes: states * 5 + (wantAbs ? states * 8 : 0), traceFileBytes: 0, collisionProbability: table.collisionProbability,
    },
  };
}
