import { describe, expect, it } from 'vitest';
import { CSD_TYPE_MASK, F_FLAGS, R_EXPECTED } from '../../impl/layout.js';
import { SMP_C } from '../../impl/kernel.js';
import type { Ctx, Proto } from '../../impl/memory.js';
import type { ImplVariant } from '../../impl/variant.js';
import { RealSystem } from '../../properties/real-system.js';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { randomScheduler } from '../../impl/runtime/schedulers.js';
import { checkRuns, expectedRuns } from '../../properties/expected-runs.js';
import { fault } from '../support/variants.js';

const ALL3 = 0b111;

describe('expected runs from the request as the caller made it (issue 15: oracles independent of impl bookkeeping)', () => {
  it('the kernel\'s target rules: many without the caller, cond, run-local, on_each_cpu, any, single to self', () => {
    const e = (req: SmpRequest, caller = 0, online = ALL3, touched = 0): [number, number] => {
      const r = expectedRuns(req, caller, 3, online, touched);
      return [r.must, r.may];
    };
    expect(e({ kind: 'many', mask: [0, 1, 2], wait: true })).toEqual([0b110, 0b110]);
    expect(e({ kind: 'many_cond', mask: [0, 1, 2], wait: true, runLocal: true, cond: [0, 2] })).toEqual([0b101, 0b101]);
    expect(e({ kind: 'many_cond', mask: [0, 1, 2], wait: true, runLocal: false })).toEqual([0b110, 0b110]);
    expect(e({ kind: 'on_each_cpu_cond_mask', mask: [0, 2], wait: false })).toEqual([0b101, 0b101]);
    expect(e({ kind: 'call_function', wait: false }, 1)).toEqual([0b101, 0b101]);
    expect(e({ kind: 'single', target: 0, wait: true }, 0, 0b001)).toEqual([0b001, 0b001]);
    // any: the caller if it is in the mask, else the lowest online CPU of the mask
    expect(e({ kind: 'any', mask: [1, 2], wait: true }, 0, 0b101)).toEqual([0b100, 0b100]);
    expect(e({ kind: 'any', mask: [0, 2], wait: true }, 0)).toEqual([0b001, 0b001]);
    // a CPU below the pick with a hotplug command meanwhile may have won: nothing is certain then
    expect(e({ kind: 'any', mask: [1, 2], wait: true }, 0, ALL3, 0b010)).toEqual([0, 0b110]);
  });

  it('hotplug in the same epoch: a touched CPU may run the call but need not; an offline untouched one may not', () => {
    expect(expectedRuns({ kind: 'many', mask: [1, 2], wait: false }, 0, 3, ALL3, 0b100)).toMatchObject({ must: 0b010, may: 0b110 });
    expect(expectedRuns({ kind: 'many', mask: [1, 2], wait: false }, 0, 3, 0b011, 0)).toMatchObject({ must: 0b010, may: 0b010 });
    expect(expectedRuns({ kind: 'single', target: 2, wait: false }, 0, 3, 0b011, 0)).toMatchObject({ must: 0, may: 0 });
  });

  it('callbacks that call the API: fn_resubmit runs again on the submitter, fn_forward may run on the next CPU', () => {
    expect(expectedRuns({ kind: 'single_async', target: 1, csd: 1, func: 'fn_resubmit' }, 0, 3, ALL3, 0)).toMatchObject({ must: 0b011, may: 0b011 });
    expect(expectedRuns({ kind: 'single', target: 1, wait: false, func: 'fn_forward' }, 0, 3, ALL3, 0)).toMatchObject({ must: 0b010, may: 0b110 });
  });

  it('many-skips-last-cpu: the implementation\'s own records agree with it; the request as made does not', () => {
    const req: SmpRequest = { kind: 'many', mask: [1, 2], wait: false };
    const calls = [[0, req] as const];
    const { sys, result, ids } = runDeterministic({ cpus: 3, variant: fault('many-skips-last-cpu'), scheduler: randomScheduler(7), trace: false }, calls);
    const id = ids[0] ?? -1;
    expect(result.status).toBe('quiescent');
    // the bookkeeping never heard of cpu2: its "lost" count is 0, its expected set is {1}
    expect(result.accounting.lost).toBe(0);
    expect(Atomics.load(sys.mem.m, sys.mem.L.req(id, R_EXPECTED))).toBe(0b010);
    const v = checkRuns(sys.mem, [{ id, cpu: 0, req, text: 'smp_call_function_many({1,2}, wait=0)', onlineAtPost: ALL3 }], () => 0);
    expect(v.map((x) => x.id)).toEqual(['INV-NO-LOST-CALL']);
    expect(v[0]?.message).toMatch(/never ran on cpu 2/);
    // the correct code: no verdict on the same call and schedule
    const ok = runDeterministic({ cpus: 3, scheduler: randomScheduler(7), trace: false }, calls);
    expect(checkRuns(ok.sys.mem, [{ id: ok.ids[0] ?? -1, cpu: 0, req, text: 'many', onlineAtPost: ALL3 }], () => 0)).toEqual([]);
  });

  it('INV-UNLOCK-POINT takes an entry\'s class from the call as made, not from the CSD type bits the flush finds', () => {
    // a queueing path that loses CSD_TYPE_SYNC: the flush then unlocks a waiting call's CSD before
    // its func, as for an ASYNC one; an oracle reading the type bits would see an ASYNC entry
    const dropsSync: ImplVariant = {
      id: 'test-drops-sync-type', url: null,
      impl: {
        llist_add: function* (c: Ctx, head: number, node: number): Proto<boolean> {
          const fl = c.L.csd(node, F_FLAGS);
          c.a.WRITE_ONCE(fl, c.a.READ_ONCE(fl) & ~CSD_TYPE_MASK);
          return yield* SMP_C.llist_add(c, head, node);
        },
      },
    };
    const run = (variant?: ImplVariant): string[] => {
      const r = new RealSystem({ cpus: 2, ...(variant === undefined ? {} : { variant }) });
      r.post(0, { kind: 'single', target: 1, wait: true }, 'smp_call_function_single(1, fn_ping, wait=1)');
      r.quiesce(3);
      return r.obs.violations.map((v) => v.id);
    };
    expect(run(dropsSync)).toContain('INV-UNLOCK-POINT');
    expect(run()).toEqual([]);
  });
});
