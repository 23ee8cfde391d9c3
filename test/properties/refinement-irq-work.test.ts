import { describe, expect, it } from 'vitest';
import { EBUSY } from '../../impl/errno.js';
import { csdDoFunc } from '../../impl/flush.js';
import { C_QUEUE, CSD_TYPE_IRQ_WORK, CSD_TYPE_MASK, CSD_TYPE_SYNC, F_FLAGS, F_FUNC, F_INFO, NULL } from '../../impl/layout.js';
import { STEP, type Ctx, type Proto } from '../../impl/memory.js';
import { requestResult } from '../../impl/requests.js';
import type { ImplVariant } from '../../impl/variant.js';
import { checkRefinement, RefinementError } from '../../properties/refinement/refinement-property.js';
import { labelsOf } from '../../properties/refinement/trace-replay.js';
import { executeRefinementWorkload } from '../../properties/refinement/refinement-property.js';
import type { SmallWorkload } from '../../properties/refinement/small-workload.js';
import { readTrace } from '../../impl/trace-export.js';

// cpu0 queues its irq_work to cpu2 twice (the second finds it pending or not), cpu1 makes a
// waiting call to cpu2: one batch may hold SYNC and IRQ_WORK entries, the SYNC one runs first
const W: SmallWorkload = {
  cpus: 3, hotplug: -1, enomem: false,
  scripts: [[{ kind: 'irq_work', target: 2 }, { kind: 'irq_work', target: 2 }], [{ kind: 'single', target: 2, wait: true }], []],
};

describe('refinement with IRQ_WORK entries: the implementation\'s irq_works map onto the model\'s IRQ_WORK requests', () => {
  it('every schedule tried: the final view is a model terminal view and the trace (queue and run of each irq_work) replays', () => {
    const oracles = new Map();
    let busy = 0;
    for (let seed = 1; seed <= 60; seed++) {
      expect(() => { checkRefinement(W, seed, seed % 3 === 0, {}, oracles); }, `seed ${seed}`).not.toThrow();
      const { real, ids } = executeRefinementWorkload(W, seed, seed % 3 === 0, undefined);
      const labels = labelsOf(readTrace(real.sys.mem));
      // each irq_work queued is a QUEUE label and its run a FLUSH_RUN label
      expect(labels.filter((l) => l.event.type === 'QUEUE').length).toBeGreaterThanOrEqual(2);
      if (requestResult(real.sys.mem.m, real.sys.mem.L, ids[1] ?? -1).rc === -EBUSY) busy++;
    }
    expect(busy).toBeGreaterThan(0);
  });

  it('a flush that runs IRQ_WORK entries before the SYNC ones is not a refinement (the model\'s pass order)', () => {
    // the flush's first pass takes the IRQ_WORK entries, then the correct order for the rest
    const irqFirst: ImplVariant = {
      id: 'test-irq-work-first', url: null,
      impl: {
        __flush_smp_call_function_queue: function* (c: Ctx, _warn: boolean, hardirq: boolean): Proto {
          const first = yield* c.k.llist_del_all(c, c.L.cpu(c.cpu, C_QUEUE));
          if (first === NULL) return;
          const batch = c.k.llist_reverse_order(c, first);
          const isW = (x: number): boolean => (c.a.READ_ONCE(c.L.csd(x, F_FLAGS)) & CSD_TYPE_MASK) === CSD_TYPE_IRQ_WORK;
          for (const x of batch) if (isW(x)) yield* c.k.irq_work_single(c, x, hardirq);
          for (const pass of [true, false]) {
            for (const x of batch) {
              yield STEP;
              if (isW(x) || ((c.a.READ_ONCE(c.L.csd(x, F_FLAGS)) & CSD_TYPE_MASK) === CSD_TYPE_SYNC) !== pass) continue;
              const func = c.a.READ_ONCE(c.L.csd(x, F_FUNC));
              const info = c.a.READ_ONCE(c.L.csd(x, F_INFO));
              if (!pass) yield* c.k.csd_unlock(c, x);
              yield* csdDoFunc(c, func, info, x, hardirq);
              if (pass) yield* c.k.csd_unlock(c, x);
            }
          }
        },
      },
    };
    let caught = 0;
    for (let seed = 1; seed <= 200 && caught === 0; seed++) {
      try { checkRefinement(W, seed, true, { variant: irqFirst }, new Map()); } catch (e) {
        if (!(e instanceof RefinementError)) throw e;
        expect(e.message).toMatch(/refinement \((1|2)\)/);
        caught++;
      }
    }
    expect(caught).toBe(1);
  });
});
