import { describe, expect, it } from 'vitest';
import { FN_NOP } from '../../impl/functions.js';
import { DeterministicSystem } from '../../impl/runtime/deterministic.js';
import { randomScheduler } from '../../impl/runtime/schedulers.js';

// The bench loops of bench/run.ts, on the deterministic runtime: they must run the calls they
// claim to time (do_nothing on the targets) and leave the accounting clean.
describe('bench request kinds', () => {
  it('bench_async runs repeat no-wait single calls plus the closing waiting one, all on the target', () => {
    const sys = new DeterministicSystem({ cpus: 2, trace: false, scheduler: randomScheduler(11) });
    const id = sys.call(0, { kind: 'bench_async', target: 1, repeat: 50 });
    const q = sys.runToQuiescence();
    expect(q.status).toBe('quiescent');
    expect(q.accounting.ok).toBe(true);
    expect(sys.result(id).rc).toBe(0);
    expect(Atomics.load(sys.mem.m, sys.mem.L.funcRuns(FN_NOP, 1))).toBe(51);
    expect(Atomics.load(sys.mem.m, sys.mem.L.funcRuns(FN_NOP, 0))).toBe(0);
  });

  it('bench_many runs repeat waiting many-calls on every other CPU of the mask', () => {
    const sys = new DeterministicSystem({ cpus: 3, trace: false, scheduler: randomScheduler(12) });
    const id = sys.call(0, { kind: 'bench_many', mask: [0, 1, 2], repeat: 20 });
    const q = sys.runToQuiescence();
    expect(q.status).toBe('quiescent');
    expect(q.accounting.ok).toBe(true);
    expect(sys.result(id).rc).toBe(0);
    const runs = [0, 1, 2].map((c) => Atomics.load(sys.mem.m, sys.mem.L.funcRuns(FN_NOP, c)));
    expect(runs).toEqual([0, 20, 20]);
  });
});
