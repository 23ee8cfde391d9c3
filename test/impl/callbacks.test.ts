import { describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import { RESUBMIT_CSD_SLOT } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { pctScheduler, randomScheduler } from '../../impl/runtime/schedulers.js';

const RESUBMIT: SmpRequest = { kind: 'single_async', target: 1, csd: RESUBMIT_CSD_SLOT, func: 'fn_resubmit' };

describe('callbacks that call the smp API (hardirq, inside the target\'s flush)', () => {
  it('fn_resubmit resubmits its own async CSD from its func: it runs on the target, then back on the submitter, under every schedule tried', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(seed) }, [[0, RESUBMIT]]);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      const r = sys.result(ids[0] ?? -1);
      expect(r.rc).toBe(0);
      expect(r.ranOn).toEqual([0, 1]); // the resubmission ran on cpu0, the first run on cpu1
      expect(r.runs).toBe(2);
    }
  });

  it('B4 (ASYNC unlocked after func): the resubmission waits for its own unlock with interrupts off, reported as a deadlock with the waiting CPU', () => {
    const { result } = runDeterministic({ cpus: 3, variant: fault('B4-async-unlock-after-func'), scheduler: randomScheduler(1) }, [[0, RESUBMIT]]);
    expect(result.status).toBe('deadlock');
    expect(result.report).toMatch(/^INV-NO-DEADLOCK violated/);
    expect(result.stuck?.map((s) => s.cpu)).toContain(1);
  });

  it('fn_forward queues the request on the next CPU through that CPU\'s shared async CSD', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const calls: [number, SmpRequest][] = [[0, { kind: 'single', target: 1, wait: false, func: 'fn_forward' }], [2, { kind: 'single', target: 0, wait: false, func: 'fn_forward' }]];
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: pctScheduler(seed, 3, 200) }, calls);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      // cpu1 forwards to cpu2, cpu0 to cpu1; a forward finding the shared CSD in flight gets -EBUSY (a kick is pending)
      const a = sys.result(ids[0] ?? -1);
      expect(a.ranOn[0]).toBe(1);
      expect([[1], [1, 2]]).toContainEqual(a.ranOn);
      const b = sys.result(ids[1] ?? -1);
      expect([[0], [0, 1]]).toContainEqual(b.ranOn);
    }
  });

  it('two submitters of one shared async CSD: one queues it, the other gets -EBUSY or queues it after the target took it', () => {
    let busy = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const calls: [number, SmpRequest][] = [[0, { kind: 'single_async', target: 1, shared: true }], [2, { kind: 'single_async', target: 1, shared: true }]];
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(seed) }, calls);
      expect(result.status).toBe('quiescent');
      expect(result.accounting.ok, JSON.stringify(result.accounting)).toBe(true);
      const rcs = ids.map((id) => sys.result(id).rc);
      expect(rcs.filter((rc) => rc === 0).length).toBeGreaterThanOrEqual(1);
      for (const id of ids) if (sys.result(id).rc === 0) expect(sys.result(id).ranOn).toEqual([1]);
      if (rcs.includes(-16)) busy++;
    }
    expect(busy).toBeGreaterThan(0); // the -EBUSY outcome is reached, not only the sequential one
  });
});
