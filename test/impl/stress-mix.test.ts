import { describe, expect, it } from 'vitest';
import { rng } from '../../impl/runtime/schedulers.js';
import { DEFAULT_MIX_TEXT, MIX_KEYS, makeRequest, parseMix, pick, selDump } from '../../impl/stress/mix.js';
import { traceWindow } from '../../impl/stress/run-stress.js';
import type { TraceEvent } from '../../impl/trace-export.js';

describe('stress call mix (scftorture weight_* / scf_sel_dump)', () => {
  it('parses weights, drops zero weights and prints the mix as percentages summing to 100', () => {
    const mix = parseMix('single=4, single_async=2,many_wait=2,any=0');
    expect(mix).toEqual([{ key: 'single', weight: 4 }, { key: 'single_async', weight: 2 }, { key: 'many_wait', weight: 2 }]);
    const lines = selDump(mix);
    expect(lines).toEqual([
      'stress: mix  50.000% smp_call_function_single(nowait)',
      'stress: mix  25.000% smp_call_function_single_async',
      'stress: mix  25.000% smp_call_function_many(wait)',
    ]);
    expect(parseMix(DEFAULT_MIX_TEXT).map((e) => e.key)).toEqual([...MIX_KEYS]);
  });

  it('rejects bad mixes with a message naming the part', () => {
    expect(() => parseMix('single=x')).toThrow("'single=x' is not key=weight");
    expect(() => parseMix('singel=1')).toThrow("'singel' is not a call");
    expect(() => parseMix('single=1,single=2')).toThrow("'single' appears twice");
    expect(() => parseMix('single=0')).toThrow('no call has a weight above 0');
  });

  it('picks by weight: 10000 seeded draws land within 2% of each share', () => {
    const mix = parseMix('single=1,many=3');
    const r = rng(7);
    let many = 0;
    for (let i = 0; i < 10_000; i++) if (pick(mix, r()).key === 'many') many++;
    expect(Math.abs(many / 10_000 - 0.75)).toBeLessThan(0.02);
  });

  it('builds requests: self share of single calls, masks inside 0..cpus-1, single_async on an own or the target\'s shared CSD', () => {
    const r = rng(3);
    let self = 0;
    let shared = 0;
    for (let i = 0; i < 2000; i++) {
      const q = makeRequest('single_wait', 2, 4, r, 0.5);
      if (q.kind !== 'single') throw new Error('expected a single call');
      expect(q.wait).toBe(true);
      if (q.target === 2) self++;
    }
    // half aimed at itself, plus a quarter of the other half drawn at random
    expect(Math.abs(self / 2000 - 0.625)).toBeLessThan(0.05);
    for (let i = 0; i < 200; i++) {
      const q = makeRequest('many_cond', 0, 3, r, 0);
      if (q.kind !== 'many_cond') throw new Error('expected many_cond');
      expect(q.mask.length).toBeGreaterThan(0);
      expect(q.mask.every((c) => c >= 0 && c < 3)).toBe(true);
      const a = makeRequest('single_async', 1, 3, r, 0);
      if (a.kind !== 'single_async') throw new Error('expected single_async');
      if (a.shared === true) {
        shared++;
        expect(a.csd).toBeUndefined();
      } else {
        expect(a.csd).toBeGreaterThanOrEqual(0);
        expect(a.csd).toBeLessThan(2); // slots 2 and 3 are the resubmit chain's and the shared one
      }
    }
    expect(shared).toBeGreaterThan(20); // a quarter of 200 is the target's shared CSD
    expect(shared).toBeLessThan(80);
  });
});

describe('stress trace window around the first failure', () => {
  const ev = (ts: number): TraceEvent => ({ seq: ts, ts, cpu: 0, event: 'x', irqsOff: false, hardirq: false, fields: {} });
  const events = Array.from({ length: 100 }, (_, i) => ev(i));
  it('takes the events in [t0, t1] plus a margin either side', () => {
    expect(traceWindow(events, 40, 45, 5).map((e) => e.ts)).toEqual(Array.from({ length: 16 }, (_, i) => 35 + i));
  });
  it('clamps at the ends and caps the length', () => {
    expect(traceWindow(events, 0, 2, 10).map((e) => e.ts)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(traceWindow(events, 50, 99, 10, 20)).toHaveLength(20);
    expect(traceWindow(events, 500, 600, 3).map((e) => e.ts)).toEqual([97, 98, 99]);
  });
});
