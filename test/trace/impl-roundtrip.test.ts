/**
 * The implementation's own trace goes through the same checker as a real kernel's: export a
 * deterministic run as ftrace text, parse and check it, and get the verdict the run's shared
 * counters give in-process. The trace checker never sees the counters, only the text.
 */
import { describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import type { ImplVariant } from '../../impl/variant.js';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { pctScheduler, randomScheduler } from '../../impl/runtime/schedulers.js';
import { exportFtrace } from '../../impl/trace-export.js';
import { checkTraceLines } from '../../trace/check-file.js';
import type { TraceVerdict } from '../../trace/verdict.js';

type Calls = readonly (readonly [number, SmpRequest])[];

const MIX: Calls = [
  [0, { kind: 'single', target: 1, wait: false }],
  [1, { kind: 'many', mask: [0, 1, 2], wait: true }],
  [2, { kind: 'single_async', target: 0, csd: 0 }],
  [0, { kind: 'cpu_down', cpu: 2 }],
  [1, { kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2], wait: true, cond: [0, 1, 2] }],
  [0, { kind: 'cpu_up', cpu: 2 }],
  [2, { kind: 'single', target: 1, wait: true }],
  [1, { kind: 'single', target: 1, wait: true }],
];

/** B3: two no-wait calls to cpu1 while cpu2 takes it down; without the dying flush one is lost. */
const B3: Calls = [
  [0, { kind: 'single', target: 1, wait: false }],
  [0, { kind: 'single', target: 1, wait: false }],
  [2, { kind: 'cpu_down', cpu: 1 }],
];

async function roundTrip(calls: Calls, scheduler: ReturnType<typeof randomScheduler>, variant?: ImplVariant) {
  const { sys, result } = runDeterministic({ cpus: 3, scheduler, ...(variant === undefined ? {} : { variant }) }, calls);
  const text = exportFtrace(sys.trace(), 3);
  const verdict: TraceVerdict = await checkTraceLines([text], 'impl-export');
  return { inProcessOk: result.status === 'quiescent' && result.accounting.ok, verdict, text };
}

describe('implementation trace export → ftrace text → trace checker', () => {
  it('a correct run is accepted on 40 seeds, with every queued request entered on its target', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { inProcessOk, verdict, text } = await roundTrip(MIX, randomScheduler(seed));
      expect(inProcessOk, `seed ${seed}`).toBe(true);
      expect(verdict.ok, `seed ${seed}: ${JSON.stringify(verdict.violations)}\n${text}`).toBe(true);
      expect(verdict.events).toBeGreaterThan(10);
      expect(verdict.skipped).toEqual({});
    }
  });

  it('no-dying-flush (B3): the text alone gives the same verdict as the shared counters, seed by seed', async () => {
    let caught = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const { inProcessOk, verdict } = await roundTrip(B3, pctScheduler(seed, 3, 200), fault('B3-no-dying-flush'));
      expect(verdict.ok, `seed ${seed}`).toBe(inProcessOk);
      if (!verdict.ok) {
        caught++;
        expect(verdict.violations.map((v) => v.id)).toEqual(expect.arrayContaining([expect.stringMatching(/^INV-(NO-LOST-CALL|NOT-ON-OFFLINE|DYING-EMPTY)$/)]));
      }
    }
    expect(caught).toBeGreaterThan(0);
  });
});
