import { describe, expect, it } from 'vitest';
import { CATALOGUE, entryById, TECHNIQUES } from '../../audit/catalogue.js';
import { KERNEL_FUNCTION_NAMES } from '../../impl/kernel.js';
import { PROTOCOL_INVARIANT_IDS } from '../../model/invariants.js';
import { BUILTIN_VARIANTS, builtinVariant } from '../../variants/index.js';

const REQUIRED_HISTORICAL = ['B3', 'B4', 'B5', 'B6', 'B8', 'B9', 'B10'];
const REQUIRED_IMPL = [
  'llist-add-no-cas', 'del-all-no-xchg', 'llist-not-reversed', 'mask-not-intersected-online', 'csd-lock-no-wait',
  'many-wait-first-only', 'idle-no-recheck', 'flush-before-offline', 'cfd-freed-at-dying', 'double-unlock',
  'B8-offline-warn-checks-queue', 'B10-lockwait-no-bt-token', 'B9-wait-only-if-ipi', 'B6-no-ebusy-check', 'B6-ebusy-test-race', 'B11-shared-csd-lock-not-atomic', 'B4-async-unlock-after-func', 'B3-no-dying-flush',
];

describe('the bug catalogue', () => {
  it(`has at least 12 faults with unique ids, each with a description, invariants, origin and techniques`, () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(12);
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE) {
      expect(e.description.length, e.id).toBeGreaterThan(120);
      expect(e.origin, e.id).toMatch(/classic|[0-9a-f]{12}|commit id unverified/);
      expect(e.breaks.length, e.id).toBeGreaterThan(0);
      for (const b of e.breaks) expect(b.startsWith('DET-') || (PROTOCOL_INVARIANT_IDS as readonly string[]).includes(b) || b === 'INV-UNLOCK-POINT' || b === 'INV-NO-UAF', `${e.id}: ${b}`).toBe(true);
      // a barrier fault is caught under a weak memory model only; one nothing catches says why
      expect(e.caughtBy.length > 0 || e.memory.length > 0 || e.note !== undefined, e.id).toBe(true);
      for (const t of e.caughtBy) expect(TECHNIQUES).toContain(t);
      expect(e.implFunctions.length > 0 || e.modelRules.length > 0, e.id).toBe(true);
      if (e.implFunctions.length === 0) expect(e.caughtBy, e.id).toEqual(['model']);
      if (e.modelRules.length === 0) expect(e.caughtBy, e.id).not.toContain('model');
      for (const f of e.implFunctions) expect(KERNEL_FUNCTION_NAMES).toContain(f);
    }
  });

  it('includes the historical bugs B3, B4, B5, B6, B8, B9, B10 with their fixing commits; a historical bug\'s id starts with its B-id', () => {
    for (const b of REQUIRED_HISTORICAL) expect(CATALOGUE.some((e) => e.origin.includes(`${b}:`)), b).toBe(true);
    expect(entryById('B8-offline-warn-checks-queue').origin).toContain('9e949a388635');
    expect(entryById('B9-wait-only-if-ipi').origin).toContain('946a72819825');
    for (const e of CATALOGUE) if (/^B\d+:/.test(e.origin)) expect(e.id, e.origin).toMatch(/^B\d+-/);
  });

  it('one naming scheme: every fault is one built-in variant file, its former impl/model ids still resolve to it', () => {
    for (const f of REQUIRED_IMPL) expect(entryById(f).implFunctions.length, f).toBeGreaterThan(0);
    expect(CATALOGUE.map((e) => e.id)).toEqual(BUILTIN_VARIANTS.map((v) => v.id));
    for (const v of BUILTIN_VARIANTS) expect(new URL(v.url ?? '').pathname.endsWith(`/variants/faults/${v.id}.ts`), v.id).toBe(true);
    expect(entryById('b9-wait-only-if-ipi').id).toBe('B9-wait-only-if-ipi');
    expect(entryById('many-wait-if-ipi').id).toBe('B9-wait-only-if-ipi');
    expect(builtinVariant('no-kick-on-empty').id).toBe('no-ipi-on-empty-edge');
    const former = CATALOGUE.flatMap((e) => e.formerly);
    expect(new Set(former).size).toBe(former.length);
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
