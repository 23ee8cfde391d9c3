import { describe, expect, it } from 'vitest';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';
import { formatCounterexample, runInvariantProperty, sentenceOf } from '../../properties/invariant-property.js';

const SEED = 20261125;
const RUNS = 40;
const CPUS = 3;

describe(`model-based properties on the deterministic runtime (seed ${SEED}, ${RUNS} runs, ${CPUS} CPUs)`, () => {
  for (const id of PROTOCOL_INVARIANT_IDS) {
    it(`${id}: ${sentenceOf(id)}`, () => {
      const o = runInvariantProperty({ id, cpus: CPUS, seed: SEED, runs: RUNS });
      if (o.counterexample !== null) throw new Error(formatCounterexample(o.counterexample, CPUS));
      expect(o.failed).toBe(false);
      expect(o.runs).toBe(RUNS);
      // the runs did something: calls were posted and protocol steps were taken
      expect(o.stats.commands).toBeGreaterThan(RUNS);
      expect(o.stats.steps).toBeGreaterThan(RUNS * 10);
    });
  }
});
