import { describe, expect, it } from 'vitest';
import { CATALOGUE, entryById, TECHNIQUES } from '../../audit/catalogue.js';
import { FAULT_IDS } from '../../impl/faults.js';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';
import { MODEL_FAULTS } from '../../model/faults.js';

const REQUIRED_HISTORICAL = ['B3', 'B4', 'B5', 'B6', 'B8', 'B9', 'B10'];
const REQUIRED_IMPL = [
  'llist-add-no-cas', 'del-all-no-xchg', 'llist-not-reversed', 'mask-not-intersected-online', 'csd-lock-no-wait',
  'many-wait-first-only', 'idle-no-recheck', 'flush-before-offline', 'cfd-freed-at-dying', 'double-unlock',
  'offline-warn-checks-queue', 'lockwait-no-bt-token', 'b9-wait-only-if-ipi', 'no-ebusy-check', 'async-unlock-after-func', 'no-dying-flush',
];

describe('the bug catalogue', () => {
  it(`has at least 12 faults with unique ids, each with a description, invariants, origin and techniques`, () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(12);
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE) {
      expect(e.description.length, e.id).toBeGreaterThan(120);
      expect(e.origin, e.id).toMatch(/classic|[0-9a-f]{12}/);
      expect(e.breaks.length, e.id).toBeGreaterThan(0);
      for (const b of e.breaks) expect(b.startsWith('DET-') || (PROTOCOL_INVARIANT_IDS as readonly string[]).includes(b) || b === 'INV-UNLOCK-POINT', `${e.id}: ${b}`).toBe(true);
      expect(e.caughtBy.length, e.id).toBeGreaterThan(0);
      for (const t of e.caughtBy) expect(TECHNIQUES).toContain(t);
      expect(e.implFault !== null || e.modelFault !== null, e.id).toBe(true);
      if (e.implFault === null) expect(e.caughtBy, e.id).toEqual(['model']);
      if (e.modelFault === null) expect(e.caughtBy, e.id).not.toContain('model');
    }
  });

  it('includes the historical bugs B3, B4, B5, B6, B8, B9, B10 with their fixing commits', () => {
    for (const b of REQUIRED_HISTORICAL) expect(CATALOGUE.some((e) => e.origin.includes(`${b}:`)), b).toBe(true);
    expect(entryById('offline-warn-checks-queue').origin).toContain('9e949a388635');
    expect(entryById('b9-wait-only-if-ipi').origin).toContain('946a72819825');
  });

  it('covers every implementation fault and every model fault exactly once', () => {
    for (const f of REQUIRED_IMPL) expect(FAULT_IDS as readonly string[]).toContain(f);
    const impl = CATALOGUE.flatMap((e) => (e.implFault === null ? [] : [e.implFault]));
    expect([...impl].sort()).toEqual([...FAULT_IDS].sort());
    const model = CATALOGUE.flatMap((e) => (e.modelFault === null ? [] : [e.modelFault]));
    expect([...model].sort()).toEqual(MODEL_FAULTS.map((m) => m.id).sort());
  });

  it('says which property catches the order-only fault (llist-not-reversed) and why', () => {
    const e = entryById('llist-not-reversed');
    expect(e.breaks).toContain('INV-ORDER');
    expect(e.note).toMatch(/INV-ORDER/);
  });

  it('an unknown id gets a one-line error naming it', () => {
    expect(() => entryById('nope')).toThrow(/^fault 'nope': not in the catalogue/);
  });
});
