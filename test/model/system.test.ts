import { describe, expect, it } from 'vitest';
import { Stepper, allEvents, stateKey, viewOf, type SystemSnapshot } from '../../model/step.js';
import { createSystemMachine, type SysEvent } from '../../model/system.js';
import { DEFAULT_WORKLOADS, compileWorkload, findWorkload, type Workload } from '../../model/workload.js';

function stepper(w: Workload, n: number): Stepper {
  const cw = compileWorkload(w, n);
  return new Stepper(createSystemMachine({ workload: cw }), cw);
}
function run(st: Stepper, events: readonly SysEvent[]): SystemSnapshot {
  let s = st.initial();
  for (const e of events) {
    const n = st.step(s, e);
    expect(n, `${e.type} on cpu${e.cpu} should be enabled`).not.toBe(s);
    s = n;
  }
  return s;
}

describe('composed system: scenarios', () => {
  it('synchronous single call: lock, queue + IPI, flush runs then unlocks, caller returns', () => {
    const st = stepper({ name: 't', description: '', scripts: [[{ kind: 'single', target: 1, wait: true }]] }, 2);
    let s = run(st, [{ type: 'CALL', cpu: 0 }]);
    expect(viewOf(s, st.cw).csd[0]).toBe('locked');
    s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }]);
    expect(s.context.ipi[1]).toBe(true);
    expect(s.context.queue[1]).toEqual([0]);
    // the caller cannot return before the target ran the function and unlocked
    expect(st.step(s, { type: 'RETURN', cpu: 0 })).toBe(s);
    s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }, { type: 'IPI', cpu: 1 }, { type: 'FLUSH_RUN', cpu: 1 }]);
    expect(viewOf(s, st.cw).csd[0]).toBe('running');
    expect(s.context.lock[0]).toBe(1); // SYNC: still locked while func runs
    s = run(st, [
      { type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }, { type: 'IPI', cpu: 1 }, { type: 'FLUSH_RUN', cpu: 1 },
      { type: 'FLUSH_DONE', cpu: 1 }, { type: 'RETURN', cpu: 0 },
    ]);
    expect(s.context.ret[0]).toBe(0);
    expect(s.context.ran[0]).toBe(1);
    expect(s.context.ranOn[0]).toBe(1);
  });

  it('async single: unlocked before its function runs; second async on the same CSD gets -EBUSY while locked', () => {
    const st = stepper(findWorkload('async-ebusy'), 2);
    let s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }, { type: 'CALL', cpu: 0 }]);
    expect(s.context.ret[1]).toBe(-16);
    s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }, { type: 'IPI', cpu: 1 }, { type: 'FLUSH_RUN', cpu: 1 }]);
    expect(s.context.lock[0]).toBe(0);
  });

  it('invalid target returns -ENXIO and never runs; the self-call runs locally', () => {
    const st = stepper({ name: 't', description: '', scripts: [[{ kind: 'single', target: 7, wait: true }, { kind: 'single', target: 0, wait: true }]] }, 2);
    const s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'CALL', cpu: 0 }]);
    expect(s.context.ret).toEqual([-6, 0]);
    expect(s.context.ran).toEqual([0, 1]);
    expect(s.context.ranOn[1]).toBe(0);
  });

  it('smp_call_function_any: the caller if in the mask, else the lowest online CPU of the mask (flat NUMA), not the next after the caller', () => {
    const st = stepper({ name: 't', description: '', scripts: [[], [{ kind: 'any', mask: [1, 3], wait: false }], [{ kind: 'any', mask: [0, 3], wait: false }]] }, 4);
    const s = run(st, [{ type: 'CALL', cpu: 2 }, { type: 'QUEUE', cpu: 2 }, { type: 'CALL', cpu: 1 }]);
    expect(s.context.queue[0]).toHaveLength(1); // cpu2 → cpu0 (the old "next after the caller" rule chose cpu3)
    expect(s.context.queue[3]).toEqual([]);
    expect(s.context.ranOn[0]).toBe(1); // cpu1 is in its own mask: runs locally
  });

  it('stop_machine (HP_DYING) is not enabled while a caller is inside its window', () => {
    const st = stepper(findWorkload('hotplug'), 2);
    const s = run(st, [{ type: 'CALL', cpu: 0 }]);
    expect(st.step(s, { type: 'HP_DYING', cpu: 1 })).toBe(s);
    const q = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }, { type: 'HP_DYING', cpu: 1 }]);
    // the dying flush ran the pending async call before the CPU went away
    expect(q.context.ran[0]).toBe(1);
    expect(q.context.queue[1]).toEqual([]);
    expect(viewOf(q, st.cw).hotplug[1]).toBe('dying');
  });

  it('polling idle target gets need_resched instead of an IPI', () => {
    const st = stepper(findWorkload('idle-poll'), 2);
    const s = run(st, [{ type: 'CALL', cpu: 0 }, { type: 'QUEUE', cpu: 0 }]);
    expect(s.context.ipi[1]).toBe(false);
    expect(s.context.needResched[1]).toBe(true);
  });
});

describe('candidate events', () => {
  for (const n of [2, 3]) {
    it(`over-approximate the enabled events on every reachable state (${n} CPUs, all default workloads)`, () => {
      for (const w of DEFAULT_WORKLOADS) {
        const st = stepper(w, n);
        const every = allEvents(n);
        const seen = new Set<string>();
        const queue: SystemSnapshot[] = [st.initial()];
        seen.add(stateKey(queue[0] as SystemSnapshot));
        for (let i = 0; i < queue.length && i < 1200; i++) {
          const s = queue[i] as SystemSnapshot;
          const cand = new Set(st.candidates(s).map((e) => `${e.type}/${e.cpu}`));
          for (const e of every) {
            const nx = st.step(s, e);
            if (nx === s) continue;
            expect(cand.has(`${e.type}/${e.cpu}`), `${w.name}: ${e.type} cpu${e.cpu} enabled but not a candidate`).toBe(true);
            const k = stateKey(nx);
            if (!seen.has(k)) {
              seen.add(k);
              queue.push(nx);
            }
          }
        }
      }
    });
  }
});
