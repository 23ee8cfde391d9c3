import { describe, expect, it } from 'vitest';
import { modelFault } from '../support/variants.js';
import { openModel } from '../../model/session.js';

describe('openModel (API for property tests and the trace checker)', () => {
  it('walks a run to quiescence with no violation on the correct model', () => {
    const m = openModel({ cpus: 2, workload: 'single-wait' });
    let s = m.initial();
    for (let i = 0; i < 100; i++) {
      expect(m.checkState(s)).toEqual([]);
      const en = m.enabled(s);
      if (en.length === 0) break;
      const first = en[0];
      if (first === undefined) break;
      expect(m.checkStep(s, first.event, first.next)).toEqual([]);
      s = first.next;
    }
    expect(m.enabled(s)).toEqual([]);
    expect(m.checkFinal(s)).toEqual([]);
    expect(m.view(s).ctx.ret).toEqual([0, 0, 0]);
  });
  it('reports a disabled event as null and a fault through the same checks', () => {
    const m = openModel({ cpus: 2, workload: 'single-wait', variant: modelFault('no-ipi-on-empty-edge') });
    const s0 = m.initial();
    expect(m.step(s0, { type: 'RETURN', cpu: 0 })).toBeNull();
    const s1 = m.step(s0, { type: 'CALL', cpu: 0 });
    if (s1 === null) throw new Error('CALL should be enabled');
    const s2 = m.step(s1, { type: 'QUEUE', cpu: 0 });
    if (s2 === null) throw new Error('QUEUE should be enabled');
    expect(m.checkStep(s1, { type: 'QUEUE', cpu: 0 }, s2).join()).toMatch(/^INV-KICK: /);
    expect(m.checkState(s2).join()).toMatch(/INV-IPI-OR-POLL/);
  });
});
