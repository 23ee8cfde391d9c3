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

/** What the view-based LKMM core cannot produce: load buffering (needs promises) and coherence against execution order (S, 2+2W, WWC). */
const LKMM_FEWER = ['2+2W+fencewmbonceonces', '2+2W+poonceonces', 'LB+poonceonces', 'S+poonceonces', 'WWC+poonceonce+dataonce+addronce'];
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
  it('lkmm (views): a subset; strictly fewer exactly on LB, S, 2+2W and WWC', () => {
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
      const c = new NoRmb(m, cpus, choose, { trackDependencies: true });
      return { core: c, settle: () => { c.settle(); }, dependsOn: (cpu, reads) => { c.dependsOn(cpu, reads); } };
    }).states;
    expect([...op].filter((s) => !ax.has(s))).toEqual(['1:r0=1; 1:r1=0;']);
  });
});

describe('LkmmCore: address dependencies as the LKMM orders them', () => {
  const states = (file: string, make: (m: Int32Array<SharedArrayBuffer>, cpus: number, choose: (n: number) => number) => { core: LkmmCore; dependsOn?: (cpu: number, reads: number) => void }): { op: string[]; ax: string[] } => {
    const test = loadSuiteTest(file);
    const op = [...runOperational(test, 'lkmm', (m, cpus, choose) => {
      const o = make(m, cpus, choose);
      return { core: o.core, settle: () => { o.core.settle(); }, ...(o.dependsOn === undefined ? {} : { dependsOn: o.dependsOn }) };
    }).states].sort();
    return { op, ax: checkLitmus(test, 'lkmm').states.map((s) => s.state).sort() };
  };

  it('precise (dependsOn): a load ordered after the load it depends on only — the same states as the LKMM', () => {
    const r = states('MP+fencewmbonceonce+poonceaddronce.litmus', (m, cpus, choose) => {
      const c = new LkmmCore(m, cpus, choose, { trackDependencies: true });
      return { core: c, dependsOn: (cpu, reads) => { c.dependsOn(cpu, reads); } };
    });
    expect(r.op).toEqual(r.ax);
    expect(r.op).toContain('1:r0=1; 1:r1=x; 1:r2=0;');
  });

  it('shown to fail: the coarse form (ordered after everything the CPU read) loses that LKMM state', () => {
    const r = states('MP+fencewmbonceonce+poonceaddronce.litmus', (m, cpus, choose) => {
      const c = new LkmmCore(m, cpus, choose);
      return { core: c, dependsOn: (cpu) => { c.addressDependency(cpu); } };
    });
    expect(r.ax.filter((s) => !r.op.includes(s))).toEqual(['1:r0=1; 1:r1=x; 1:r2=0;']);
  });

  for (const file of ['MP+fencewmbonceonce+addronce.litmus', 'MP+pooncerelease+addronce.litmus']) {
    it(`shown to fail: ignoring the dependency produces the state ${file} forbids`, () => {
      const r = states(file, (m, cpus, choose) => ({ core: new LkmmCore(m, cpus, choose, { trackDependencies: true }) }));
      expect(r.op.filter((s) => !r.ax.includes(s))).toEqual(['1:r0=x; 1:r1=0;']);
    });
  }

  it('transitive: a load two dependencies down a chain is ordered after what the head read; an unrelated read orders nothing', () => {
    // words: 0 = x (data), 1 = y (flag, published after x by smp_wmb), 2 = z (never written)
    const run = (chain: boolean, choose: (n: number) => number): number => {
      const c = new LkmmCore(new Int32Array(3), 2, choose, { trackDependencies: true });
      c.store(0, 0, 1, 'once');
      c.fence(0, 'wmb');
      c.store(0, 1, 1, 'once');
      c.load(1, 1, 'once'); // read #0: y (newest: choose says 1 → see below)
      c.load(1, 2, 'once'); // read #1: z
      c.dependsOn(1, chain ? 0b01 : 0b10);
      c.load(1, 2, 'once'); // read #2: z again, address-dependent on #0 (chain) or on #1
      c.dependsOn(1, 0b100);
      return c.load(1, 0, 'once'); // read #3: x, dependent on #2
    };
    // chooser: read y's newest (message 1 of 2, oldest first), then the oldest option of every other load
    const pickY = (): ((n: number) => number) => { let k = 0; return (n) => (k++ === 0 ? n - 1 : 0); };
    expect(run(true, pickY())).toBe(1);
    expect(run(false, pickY())).toBe(0);
    const c = new LkmmCore(new Int32Array(1), 1, () => 0, { trackDependencies: true });
    expect(() => { c.dependsOn(0, 1); }).toThrow(/no read #0/);
    expect(() => { new LkmmCore(new Int32Array(1), 1, () => 0).dependsOn(0, 1); }).toThrow(/needs trackDependencies/);
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
