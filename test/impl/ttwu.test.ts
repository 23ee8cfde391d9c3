import { describe, expect, it } from 'vitest';
import { EBUSY, ENXIO } from '../../impl/errno.js';
import { F_FLAGS } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { randomScheduler } from '../../impl/runtime/schedulers.js';
import { RealSystem } from '../../properties/real-system.js';

describe('ttwu_queue_wakelist: TTWU entries, woken by the flush\'s third pass (sched_ttwu_pending)', () => {
  it('a wakeup runs once on the task\'s CPU and the task sleeps again (flags 0), under every schedule tried', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(seed) }, [[0, { kind: 'ttwu', target: 2 }], [1, { kind: 'single', target: 2, wait: false }]]);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      expect(sys.result(ids[0] ?? -1)).toMatchObject({ rc: 0, ranOn: [2], runs: 1 });
      expect(Atomics.load(sys.mem.m, sys.mem.L.csd(sys.mem.L.task(0, 0), F_FLAGS))).toBe(0);
    }
  });

  it('in one batch, TTWU entries run after every ASYNC entry, even one queued after them (INV-ORDER holds, and such batches happen)', () => {
    let ttwuFirst = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const real = new RealSystem({ cpus: 3, idle: 'halt' });
      real.post(0, { kind: 'ttwu', target: 2 }, 'ttwu(2)');
      real.post(1, { kind: 'single', target: 2, wait: false }, 'single(2)');
      real.post(0, { kind: 'ttwu', target: 2, task: 1 }, 'ttwu(2, task 1)');
      real.quiesce(seed, seed % 2 === 0);
      expect(real.obs.violations).toEqual([]);
      for (const bt of real.obs.batches) {
        const cls = bt.cls ?? [];
        if (cls.indexOf('TTWU') >= 0 && cls.indexOf('TTWU') < cls.indexOf('ASYNC')) ttwuFirst++;
      }
    }
    expect(ttwuFirst).toBeGreaterThan(0);
  });

  it('-EBUSY while the task is being woken, -ENXIO for an offline CPU', () => {
    let busy = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const w: SmpRequest = { kind: 'ttwu', target: 1 };
      const { sys, result, ids } = runDeterministic({ cpus: 2, scheduler: randomScheduler(seed) }, [[0, w], [0, w]]);
      expect(result.accounting.ok).toBe(true);
      if (sys.result(ids[1] ?? -1).rc === -EBUSY) busy++;
    }
    expect(busy).toBeGreaterThan(0);
    const { sys, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(3) }, [[0, { kind: 'cpu_down', cpu: 2 }], [0, { kind: 'ttwu', target: 2 }], [0, { kind: 'cpu_up', cpu: 2 }]]);
    expect(sys.result(ids[1] ?? -1).rc).toBe(-ENXIO);
  });

  it('fn_ttwu_next (hardirq): the woken task\'s work wakes the callback task of its CPU on the next CPU', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(seed) }, [[0, { kind: 'ttwu', target: 1, func: 'fn_ttwu_next' }]]);
      expect(result.status).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      expect(sys.result(ids[0] ?? -1).ranOn).toEqual([1, 2]);
    }
  });
});
