/**
 * Every litmus file of litmus/tests/ under every model against litmus/tests/expected.json: SC
 * forbids every classic weak outcome, TSO allows only the store→load (SB-like) ones, the LKMM
 * gives the verdict herd7 publishes (each row names its source).
 */
import { describe, expect, it } from 'vitest';
import { checkLitmus, type Observation } from '../../litmus/check.js';
import type { MemoryModelName } from '../../litmus/models/base.js';
import { EXPECTED, LITMUS_FILES, loadSuiteTest } from './support.js';

const MODELS: readonly MemoryModelName[] = ['sc', 'tso', 'lkmm'];

describe('litmus/tests: the suite and its table', () => {
  it('has at least 40 tests, one row each, each LKMM row with its published source', () => {
    expect(LITMUS_FILES.length).toBeGreaterThanOrEqual(40);
    expect(LITMUS_FILES.map((f) => f.replace(/\.litmus$/, '')).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, e] of Object.entries(EXPECTED)) expect(e.lkmmSource, name).toMatch(/\S{10}/);
  });

  it('SC forbids every outcome the suite asks about; TSO allows exactly the store→load shapes', () => {
    const rows = Object.entries(EXPECTED);
    expect(rows.filter(([, e]) => e.sc !== 'Never').map(([n]) => n)).toEqual([]);
    expect(rows.filter(([, e]) => e.tso !== 'Never').map(([n]) => n).sort()).toEqual(
      ['R+poonceonces', 'SB+poonceonces', 'SB+rfionceonce-fencermbonceonces', 'SB+rfionceonce-poonceonces'],
    );
  });
});

describe('litmus verdicts per model', () => {
  for (const file of LITMUS_FILES) {
    const name = file.replace(/\.litmus$/, '');
    it(`${name}: sc / tso / lkmm as expected`, () => {
      const test = loadSuiteTest(file);
      const e = EXPECTED[name];
      expect(e, `${name} has no row in expected.json`).toBeDefined();
      if (e === undefined) return;
      const got: Record<string, Observation> = {};
      for (const m of MODELS) {
        const r = checkLitmus(test, m);
        got[m] = r.observation;
        // herd's own consistency: the counts add up and the verdict follows from them
        expect(r.states.reduce((a, s) => a + s.count, 0)).toBe(r.positive + r.negative);
        expect(r.states.filter((s) => s.positive).reduce((a, s) => a + s.count, 0)).toBe(r.positive);
      }
      expect(got).toEqual({ sc: e.sc, tso: e.tso, lkmm: e.lkmm });
    });
  }

  it('the table tells the models apart: a checker for the wrong model fails rows of it', () => {
    // Shown to fail: judging with SC where TSO or the LKMM is expected gets those rows wrong.
    const wrong = (model: MemoryModelName, against: MemoryModelName): string[] =>
      LITMUS_FILES.filter((f) => checkLitmus(loadSuiteTest(f), model).observation !== EXPECTED[f.replace(/\.litmus$/, '')]?.[against]);
    expect(wrong('sc', 'tso')).toEqual(['R+poonceonces.litmus', 'SB+poonceonces.litmus', 'SB+rfionceonce-fencermbonceonces.litmus', 'SB+rfionceonce-poonceonces.litmus']);
    expect(wrong('tso', 'lkmm').length).toBeGreaterThanOrEqual(15);
  });

  it('herd7 counts: WRC+dataonce+fencermbonceonce+Once has 6 states, Positive 1 Negative 7 (herdtools7 catalogue)', () => {
    const r = checkLitmus(loadSuiteTest('WRC+dataonce+fencermbonceonce+Once.litmus'), 'lkmm');
    expect([r.states.length, r.positive, r.negative]).toEqual([6, 1, 7]);
    const s = checkLitmus(loadSuiteTest('LB+acquirerelease4.litmus'), 'lkmm');
    expect([s.states.length, s.positive, s.negative]).toEqual([15, 0, 15]);
  });
});
