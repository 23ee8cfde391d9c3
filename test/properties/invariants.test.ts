import { describe, expect, it } from 'vitest';
import { formatCounterexample } from '../../model/counterexample-text.js';
import { runInvariantProperty, sentenceOf } from '../../properties/invariant-property.js';
import { PROPERTY_INVARIANT_IDS } from '../../properties/suite.js';

const SEED = 20261125;
const RUNS = 100;
const HALT_RUNS = 50;
const CPUS = 3;

describe(`model-based properties on the deterministic runtime (seed ${SEED}, ${CPUS} CPUs; ${RUNS} runs polling idle + ${HALT_RUNS} halting idle)`, () => {
  for (const id of PROPERTY_INVARIANT_IDS) {
    it(`${id}: ${sentenceOf(id)}`, () => {
      // polling idle takes the need_resched shortcut; halting idle needs every IPI (no rescue by polling)
      for (const [idle, runs] of [['poll', RUNS], ['halt', HALT_RUNS]] as const) {
        const o = runInvariantProperty({ id, cpus: CPUS, seed: SEED, runs, idle });
        if (o.counterexample !== null) throw new Error(formatCounterexample(o.counterexample));
        expect(o.failed).toBe(false);
        expect(o.runs).toBe(runs);
        // the runs did something: calls were posted and protocol steps were taken
        expect(o.stats.commands).toBeGreaterThan(runs);
        expect(o.stats.steps).toBeGreaterThan(runs * 10);
      }
    });
  }
});
