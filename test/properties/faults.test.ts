import { describe, expect, it } from 'vitest';
import { fault } from '../support/variants.js';
import { FAULT_CATALOGUE } from '../../properties/fault-catalogue.js';
import { formatCounterexample } from '../../model/counterexample-text.js';
import { runInvariantProperty } from '../../properties/invariant-property.js';
import { replay } from '../../properties/replay.js';
import { decodeReplayToken, encodeReplayToken, type ReplayToken } from '../../properties/replay-token.js';
import { findBuiltin } from '../../variants/index.js';

const SEED = 20261125;
const BUDGET = 400;
const CPUS = 3;

describe(`broken variants are caught within ${BUDGET} runs (seed ${SEED}, ${CPUS} CPUs)`, () => {
  for (const f of FAULT_CATALOGUE) {
    it(`${f.catchBy} catches ${f.fault}: ${f.why}`, () => {
      const o = runInvariantProperty({ id: f.catchBy, cpus: CPUS, seed: SEED, runs: BUDGET, variant: fault(f.fault) });
      expect(o.failed, `${f.fault} passed ${o.runs} runs of ${f.catchBy}`).toBe(true);
      expect(o.error).toBeNull();
      const ce = o.counterexample;
      if (ce === null) throw new Error('a failed run must carry a counterexample');
      expect(ce.invariant).toBe(f.catchBy);
      expect(ce.message.startsWith(`${f.catchBy}: `)).toBe(true);
      expect(ce.steps.length).toBeGreaterThan(0);
      expect(ce.timeline.length).toBeGreaterThan(0);
      const text = formatCounterexample(ce);
      expect(text).toContain(ce.sentence);
      expect(text).toContain('npx smpcheck replay smpp1.');
      console.info(`${f.fault} caught by ${f.catchBy} after ${o.runs} run(s)`);
    });
  }

  it('replay(token) reproduces the same shrunk failure in one run, the variant re-imported from its module', async () => {
    const o = runInvariantProperty({ id: 'INV-WAIT-SET', cpus: CPUS, seed: SEED, runs: BUDGET, variant: fault('B9-wait-only-if-ipi') });
    const ce = o.counterexample;
    if (ce === null) throw new Error('b9-wait-only-if-ipi must be caught');
    const token = /smpp1\.[A-Za-z0-9_-]+/.exec(ce.replay)?.[0] ?? '';
    expect(decodeReplayToken(token)).toMatchObject({ inv: 'INV-WAIT-SET', cpus: CPUS, variant: 'B9-wait-only-if-ipi', variantUrl: fault('B9-wait-only-if-ipi').url });
    const again = await replay(token);
    expect(again.failed).toBe(true);
    expect(again.runs).toBe(1);
    expect(again.counterexample?.message).toBe(ce.message);
    expect(again.counterexample?.steps).toEqual(ce.steps);
    // a token from before variants names the fault by its former id in `faults`: resolved to the built-in variant
    const old: Record<string, unknown> = { ...decodeReplayToken(token), faults: ['b9-wait-only-if-ipi'] };
    delete old.variant;
    delete old.variantUrl;
    const legacy = encodeReplayToken(old as unknown as ReplayToken);
    await expect(replay(legacy)).rejects.toThrow(/variant 'b9-wait-only-if-ipi' is not built in and the token names no module/);
    const viaId = await replay(legacy, findBuiltin);
    expect(viaId.failed).toBe(true);
    expect(viaId.counterexample?.message).toBe(ce.message);
  });

  it('a bad replay token gets a one-line error naming the input', async () => {
    await expect(replay('nonsense')).rejects.toThrow(/^replay token 'nonsense…': does not start with smpp1\.$/);
    await expect(replay('smpp1.e30')).rejects.toThrow(/unknown version/);
  });
});
