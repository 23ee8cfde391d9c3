/**
 * The operational memory models (impl/memory-models/, and impl/access.ts's scCore) run every
 * litmus test with every choice enumerated: their final states must be states the axiomatic model
 * allows (soundness), and where they produce strictly fewer the test names them.
 */
import { describe, expect, it } from 'vitest';
import type { FenceKind, MemoryCore } from '../../impl/access.js';
import { LkmmCore } from '../../impl/memory-models/lkmm.js';
import { TsoCore } from '../../impl/memory-models/tso.js';
import { checkLitmus } from '../../litmus/check.js';
import { LitmusUnsupportedError } from '../../litmus/errors.js';
import type { MemoryModelName } from '../../litmus/models/base.js';
import { runOperational } from '../../litmus/operational.js';
import { LITMUS_FILES, loadSuiteTest } from './support.js';

/** What the view-based LKMM core cannot produce: load buffering (needs promises) and coherence against execution order. */
const LKMM_FEWER = ['2+2W+fencewmbonceonces', '2+2W+poonceonces', 'LB+poonceonces', 'S+poonceonces'];
/** atomic_add_unless() has no MemoryCore operation. */
const NOT_RUN = ['Atomic-RMW-ops-are-atomic-WRT-atomic_set'];

function compare(model: MemoryModelName): { fewer: string[]; notRun: string[] } {
  const fewer: string[] = [];
  const notRun: string[] = [];
  for (const file of LITMUS_FILES) {
    const name = file.replace(/\.litmus$/, '');
    const test = loadSuiteTest(file);
    let op: ReadonlySet<string>;
    try {
      op = runOperational(test, model).states;
    } catch (e) {
      if (e instanceof LitmusUnsupportedError) { notRun.push(name); continue; }
      throw e;
    }
    const ax = new Set(checkLitmus(test, model).states.map((s) => s.state));
    expect([...op].filter((s) => !ax.has(s)), `${name} under ${model}: operational states the axiomatic model forbids`).toEqual([]);
    if (ax.size > op.size) fewer.push(name);
  }
  return { fewer, notRun };
}

describe('operational ⊆ axiomatic on every litmus test', () => {
  it('sc (scCore): the same states', () => {
    expect(compare('sc')).toEqual({ fewer: [], notRun: NOT_RUN });
  });
  it('tso (store buffers): the same states as the x86-TSO axioms', () => {
    expect(compare('tso')).toEqual({ fewer: [], notRun: NOT_RUN });
  });
  it('lkmm (views): a subset; strictly fewer exactly on LB, S and 2+2W', () => {
    expect(compare('lkmm')).toEqual({ fewer: LKMM_FEWER, notRun: NOT_RUN });
  });

  it('shown to fail: an LKMM core whose smp_rmb() does nothing produces MP states the LKMM forbids', () => {
    class NoRmb extends LkmmCore {
      override fence(cpu: number, f: FenceKind): void {
        if (f !== 'rmb') super.fence(cpu, f);
      }
    }
    const test = loadSuiteTest('MP+fencewmbonceonce+fencermbonceonce.litmus');
    const ax = new Set(checkLitmus(test, 'lkmm').states.map((s) => s.state));
    const op = runOperational(test, 'lkmm', (m, cpus, choose) => {
      const c = new NoRmb(m, cpus, choose);
      return { core: c, settle: () => { c.settle(); }, addressDependency: (cpu) => { c.addressDependency(cpu); } };
    }).states;
    expect([...op].filter((s) => !ax.has(s))).toEqual(['1:r0=1; 1:r1=0;']);
  });
});

describe('TsoCore', () => {
  it('a store waits in its CPU\'s buffer: the own CPU reads it, another reads memory until it drains', () => {
    const mem = new Int32Array(2);
    const never = (): number => 0; // never drain at a choice point
    const t = new TsoCore(mem, 2, never);
    const c: MemoryCore = t;
    c.store(0, 0, 7, 'once');
    expect(c.load(0, 0, 'once')).toBe(7);
    expect(c.load(1, 0, 'once')).toBe(0);
    expect(t.pending(0)).toEqual([{ i: 0, v: 7 }]);
    c.fence(0, 'wmb');
    expect(t.pending(0)).toHaveLength(1);
    c.fence(0, 'mb');
    expect(t.pending(0)).toHaveLength(0);
    expect(c.load(1, 0, 'once')).toBe(7);
  });

  it('an RMW drains the CPU\'s buffer and acts on memory; a chooser out of range is refused', () => {
    const mem = new Int32Array(2);
    const c: MemoryCore = new TsoCore(mem, 2, () => 0);
    c.store(0, 1, 5, 'once');
    expect(c.rmw(0, 0, 'cmpxchg', 1, 2, 'relaxed')).toBe(0);
    expect([mem[0], mem[1]]).toEqual([0, 5]);
    const bad: MemoryCore = new TsoCore(new Int32Array(1), 2, () => 9);
    bad.store(0, 0, 1, 'once');
    expect(() => bad.load(1, 0, 'once')).toThrow(/chooser returned 9 for 2 options/);
  });
});

describe('LkmmCore', () => {
  it('after the flag published behind smp_wmb, the stale data is readable without smp_rmb and not with it', () => {
    const options = (rmb: boolean): number[] => {
      const asked: number[] = [];
      const c = new LkmmCore(new Int32Array(2), 2, (n) => { asked.push(n); return n - 1; });
      c.store(0, 0, 1, 'once'); // data
      c.fence(0, 'wmb');
      c.store(0, 1, 1, 'once'); // flag
      expect(c.load(1, 1, 'once')).toBe(1); // the flag: the newest of two messages
      if (rmb) c.fence(1, 'rmb');
      c.load(1, 0, 'once'); // the data
      return asked;
    };
    expect(options(false)).toEqual([2, 2]); // data: initial or new message
    expect(options(true)).toEqual([2]); // data: only the new one, no choice
  });

  it('memory always holds the newest message of each word', () => {
    const mem = new Int32Array(1);
    const c = new LkmmCore(mem, 2, () => 0);
    c.store(0, 0, 3, 'release');
    expect(c.rmw(1, 0, 'add', 2, 0, 'mb')).toBe(3);
    expect(mem[0]).toBe(5);
    expect(c.history(0)).toEqual([0, 3, 5]);
  });
});
