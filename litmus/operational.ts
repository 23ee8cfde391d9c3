/**
 * Runs a litmus test on an operational memory model — `impl/memory-models/` (tso, lkmm) or the
 * SC `scCore` of impl/access.ts — enumerating every choice depth-first: which CPU runs its next
 * access, and every decision the core asks its chooser for (which message a load reads, when a
 * buffered store drains). Returns the set of final states, rendered as `check.ts` renders them, so
 * they compare with the axiomatic states (operational ⊆ axiomatic is the soundness test).
 */
import type { MemoryCore, RmwOp } from '../impl/access.js';
import { scCore } from '../impl/access.js';
import { LkmmCore } from '../impl/memory-models/lkmm.js';
import { TsoCore } from '../impl/memory-models/tso.js';
import type { LitmusTest, Val } from './ast.js';
import { isPointer } from './ast.js';
import { observedOf, renderState } from './check.js';
import { DfsChooser } from './dfs.js';
import type { FinalState } from './enumerate.js';
import { LitmusUnsupportedError } from './errors.js';
import type { MemoryModelName } from './models/base.js';
import type { RmwOpName } from './primitives.js';
import { runThread, threadRegInit, type MemoryPort, type Registers } from './thread-run.js';

/** Pointers travel through the integer memory as PTR_TAG + the location's word index. */
const PTR_TAG = 1 << 28;
const MAX_RUNS = 500_000;

/** A core and what the executor needs besides `MemoryCore`. */
export interface OperationalCore {
  readonly core: MemoryCore;
  settle(): void;
  /** the next access of `cpu` has an address dependency on its reads in the bitmask (the taint) */
  dependsOn?: (cpu: number, reads: number) => void;
}

export type CoreFactory = (memory: Int32Array<SharedArrayBuffer>, cpus: number, choose: (n: number) => number) => OperationalCore;

export function makeCore(model: MemoryModelName, memory: Int32Array<SharedArrayBuffer>, cpus: number, choose: (n: number) => number): OperationalCore {
  switch (model) {
    case 'sc': return { core: scCore(memory), settle: () => { /* SC: nothing buffered */ } };
    case 'tso': {
      const c = new TsoCore(memory, cpus, choose);
      return { core: c, settle: () => { c.settle(); } };
    }
    case 'lkmm': {
      const c = new LkmmCore(memory, cpus, choose, { trackDependencies: true });
      return { core: c, settle: () => { c.settle(); }, dependsOn: (cpu, reads) => { c.dependsOn(cpu, reads); } };
    }
  }
}

export interface OperationalResult {
  /** rendered final states (check.ts `renderState`) */
  readonly states: ReadonlySet<string>;
  /** complete runs enumerated */
  readonly runs: number;
}

/** `factory` replaces the model's core (a test uses it to show the check fails on a broken core). */
export function runOperational(test: LitmusTest, model: MemoryModelName, factory?: CoreFactory): OperationalResult {
  const locs = [...test.init.keys()].sort();
  const index = new Map(locs.map((l, k) => [l, k]));
  const encode = (v: Val): number => (isPointer(v) ? PTR_TAG + (index.get(v.loc) ?? 0) : v);
  const decode = (n: number): Val => (n >= PTR_TAG && n < PTR_TAG + locs.length ? { loc: locs[n - PTR_TAG] ?? '' } : n);
  const word = (loc: string): number => {
    const k = index.get(loc);
    if (k === undefined) throw new LitmusUnsupportedError(test.file, 1, `access to ${loc}, not a location of the test`);
    return k;
  };
  const obs = observedOf(test);
  const states = new Set<string>();
  const chooser = new DfsChooser();
  let runs = 0;
  do {
    const memory = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, locs.length)));
    locs.forEach((l, k) => { memory[k] = encode(test.init.get(l) ?? 0); });
    const oc = factory === undefined ? makeCore(model, memory, test.threads.length, chooser.choose) : factory(memory, test.threads.length, chooser.choose);
    const gens = test.threads.map((th, cpu) => {
      let reads = 0;
      const port: MemoryPort = {
        load(loc, ord, deps) {
          if (deps.addr !== 0) oc.dependsOn?.(cpu, deps.addr);
          const v = decode(oc.core.load(cpu, word(loc), ord));
          return { v, t: 1 << reads++ };
        },
        store(loc, v, ord, deps) {
          if (deps.addr !== 0) oc.dependsOn?.(cpu, deps.addr);
          oc.core.store(cpu, word(loc), encode(v), ord);
        },
        rmw(loc, op: RmwOpName, a, b, ord, _noreturn, deps) {
          if (op === 'add_unless') throw new LitmusUnsupportedError(test.file, deps.line, 'atomic_add_unless() on an operational core (MemoryCore has no such RMW)');
          if (deps.addr !== 0) oc.dependsOn?.(cpu, deps.addr);
          const coreOp: RmwOp = op;
          return { v: decode(oc.core.rmw(cpu, word(loc), coreOp, encode(a), encode(b), ord)), t: 1 << reads++ };
        },
        fence(f) {
          oc.core.fence(cpu, f);
        },
      };
      return runThread(test.file, th, port, threadRegInit(test.regInit, cpu));
    });
    const regs: (Registers | undefined)[] = gens.map(() => undefined);
    const live: number[] = [];
    // Run each thread up to its first access: a scheduling step is then exactly one access.
    gens.forEach((g, k) => {
      const r = g.next();
      if (r.done === true) regs[k] = r.value;
      else live.push(k);
    });
    while (live.length > 0) {
      const at = chooser.choose(live.length);
      const k = live[at] ?? 0;
      const r = gens[k]?.next();
      if (r === undefined || r.done === true) {
        regs[k] = r?.value;
        live.splice(at, 1);
      }
    }
    oc.settle();
    const mem = new Map<string, Val>(locs.map((l, k) => [l, decode(memory[k] ?? 0)]));
    const final: FinalState = { regs: regs.map((r) => r ?? new Map()), mem };
    states.add(renderState(obs, final));
    if (++runs > MAX_RUNS) throw new LitmusUnsupportedError(test.file, 1, `more than ${MAX_RUNS} operational runs`);
  } while (chooser.advance());
  return { states, runs };
}
