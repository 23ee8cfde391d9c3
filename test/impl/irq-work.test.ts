import { describe, expect, it } from 'vitest';
import { EBUSY, ENXIO } from '../../impl/errno.js';
import { CSD_TYPE_IRQ_WORK, F_FLAGS, IRQ_WORK_CLAIMED } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { pctScheduler, randomScheduler } from '../../impl/runtime/schedulers.js';
import { readTrace } from '../../impl/trace-export.js';

describe('irq_work_queue_on: IRQ_WORK entries on the call_single_queue', () => {
  it('an irq_work runs once on its target, its flags word ends idle (PENDING and BUSY dropped), under every schedule tried', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(seed) }, [[0, { kind: 'irq_work', target: 2 }], [1, { kind: 'single', target: 2, wait: true }]]);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      const r = sys.result(ids[0] ?? -1);
      expect(r.rc).toBe(0);
      expect(r.ranOn).toEqual([2]);
      expect(r.runs).toBe(1);
      const flags = Atomics.load(sys.mem.m, sys.mem.L.csd(sys.mem.L.irqWork(0, 0), F_FLAGS));
      expect(flags & IRQ_WORK_CLAIMED).toBe(0);
      expect(flags & 0xf0).toBe(CSD_TYPE_IRQ_WORK);
    }
  });

  it('queueing a pending irq_work again gives -EBUSY and does not touch the in-flight request; once its func started it may be queued again', () => {
    let busy = 0, again = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const w: SmpRequest = { kind: 'irq_work', target: 1 };
      const { sys, result, ids } = runDeterministic({ cpus: 2, scheduler: randomScheduler(seed) }, [[0, w], [0, w]]);
      expect(result.status).toBe('quiescent');
      expect(result.accounting.ok, JSON.stringify(result.accounting)).toBe(true);
      const [a, b] = ids.map((id) => sys.result(id));
      expect(a?.rc).toBe(0);
      expect(a?.ranOn).toEqual([1]);
      if (b?.rc === -EBUSY) { busy++; expect(b.runs).toBe(0); } else { again++; expect(b?.ranOn).toEqual([1]); }
    }
    expect(busy).toBeGreaterThan(0);
    expect(again).toBeGreaterThan(0);
  });

  it('-ENXIO for an offline target (the kit rejects what the kernel WARNs about), and the work is not claimed', () => {
    const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: randomScheduler(3) }, [[0, { kind: 'cpu_down', cpu: 2 }], [0, { kind: 'irq_work', target: 2 }], [0, { kind: 'cpu_up', cpu: 2 }]]);
    expect(result.status).toBe('quiescent');
    expect(sys.result(ids[1] ?? -1).rc).toBe(-ENXIO);
    expect(Atomics.load(sys.mem.m, sys.mem.L.csd(sys.mem.L.irqWork(0, 0), F_FLAGS))).toBe(0);
  });

  it('posting an irq_work to the issuing CPU itself is refused (one line: the local path does not use call_single_queue)', () => {
    expect(() => runDeterministic({ cpus: 2, scheduler: randomScheduler(1) }, [[1, { kind: 'irq_work', target: 1 }]])).toThrow(/issuing CPU itself/);
  });

  it('fn_irq_work_next (hardirq): the irq_work\'s func queues the request on the next CPU with its own irq_work; the flush traces both runs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const calls: [number, SmpRequest][] = [[0, { kind: 'irq_work', target: 1, func: 'fn_irq_work_next' }], [2, { kind: 'single', target: 0, wait: false, func: 'fn_irq_work_next' }]];
      const { sys, result, ids } = runDeterministic({ cpus: 3, scheduler: pctScheduler(seed, 3, 200) }, calls);
      expect(result.status, `seed ${seed}: ${result.report ?? ''}`).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      expect(sys.result(ids[0] ?? -1).ranOn).toEqual([1, 2]);
      expect(sys.result(ids[1] ?? -1).ranOn).toEqual([0, 1]);
      const entries = readTrace(sys.mem).filter((e) => e.event === 'csd_function_entry' && e.fields.csd !== '0000000000000000');
      expect(entries.length).toBe(4);
    }
  });
});
