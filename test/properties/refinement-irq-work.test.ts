import { describe, expect, it } from 'vitest';
import { EBUSY } from '../../impl/errno.js';
import { requestResult } from '../../impl/requests.js';
import { checkRefinement } from '../../properties/refinement/refinement-property.js';
import { labelsOf } from '../../properties/refinement/trace-replay.js';
import type { ModelOracle } from '../../properties/refinement/model-oracle.js';
import { executeRefinementWorkload } from '../../properties/refinement/refinement-property.js';
import type { SmallWorkload } from '../../properties/refinement/small-workload.js';
import { readTrace } from '../../impl/trace-export.js';
import { fault } from '../support/variants.js';

// cpu0 queues its irq_work to cpu2 twice (the second finds it pending or not), cpu1 makes a
// waiting call to cpu2: one batch may hold SYNC and IRQ_WORK entries, the SYNC one runs first
const W: SmallWorkload = {
  cpus: 3, hotplug: -1, enomem: false,
  scripts: [[{ kind: 'irq_work', target: 2 }, { kind: 'irq_work', target: 2 }], [{ kind: 'single', target: 2, wait: true }], []],
};

describe('refinement with IRQ_WORK entries: the implementation\'s irq_works map onto the model\'s IRQ_WORK requests', () => {
  it('every schedule tried: the final view is a model terminal view and the trace (queue and run of each irq_work) replays', () => {
    const oracles = new Map<string, ModelOracle>();
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

});

// cpu0 wakes two of its tasks on cpu2, cpu1 queues an async call there: a batch may hold TTWU
// entries added before the ASYNC one, which the flush still runs first
const T: SmallWorkload = {
  cpus: 3, hotplug: -1, enomem: false,
  scripts: [[{ kind: 'ttwu', target: 2, task: 0 }, { kind: 'ttwu', target: 2, task: 1 }], [{ kind: 'single', target: 2, wait: false }], []],
};

describe('refinement with TTWU entries: the implementation\'s wakeups map onto the model\'s TTWU requests', () => {
  it('every schedule tried refines the model (each wakeup is a QUEUE and a FLUSH_RUN of its TTWU request)', () => {
    const oracles = new Map<string, ModelOracle>();
    for (let seed = 1; seed <= 60; seed++) {
      expect(() => { checkRefinement(T, seed, seed % 2 === 0, {}, oracles); }, `seed ${seed}`).not.toThrow();
    }
  });

  it('the pass order is not what refinement checks (FLUSH_RUN names the CPU, not the entry): ttwu-with-async refines the model, INV-ORDER catches it', () => {
    const v = fault('ttwu-with-async');
    const oracles = new Map<string, ModelOracle>();
    for (let seed = 1; seed <= 40; seed++) expect(() => { checkRefinement(T, seed, true, { variant: v }, oracles); }).not.toThrow();
  });
});
