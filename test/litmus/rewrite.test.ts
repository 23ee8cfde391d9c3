/** A variant's primitive rewrites (litmus/parse.ts `rewrite`, litmus/primitives.ts `rewriteProblem`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLitmus } from '../../litmus/check.js';
import { parseLitmus } from '../../litmus/parse.js';
import { rewriteProblem } from '../../litmus/primitives.js';
import { TESTS_DIR } from './support.js';

const load = (f: string, rw: Record<string, string> = {}) => parseLitmus(readFileSync(join(TESTS_DIR, f), 'utf8'), f, new Map(Object.entries(rw)));

describe('litmus primitive rewrites', () => {
  it('dropping smp_wmb from MP+wmb+rmb makes it Sometimes under the LKMM; dropping only smp_rmb too; keeping both stays Never', () => {
    const f = 'MP+fencewmbonceonce+fencermbonceonce.litmus';
    expect(checkLitmus(load(f), 'lkmm').observation).toBe('Never');
    expect(checkLitmus(load(f, { smp_wmb: 'none' }), 'lkmm').observation).toBe('Sometimes');
    expect(checkLitmus(load(f, { smp_rmb: 'none' }), 'lkmm').observation).toBe('Sometimes');
    expect(checkLitmus(load(f, { smp_wmb: 'smp_mb' }), 'lkmm').observation).toBe('Never');
    expect(checkLitmus(load(f, { smp_wmb: 'none', smp_rmb: 'none' }), 'sc').observation).toBe('Never');
  });
  it('SB with full fences: Never; the fences as smp_wmb: Sometimes (store→load is not ordered by a write barrier)', () => {
    const f = 'SB+fencembonceonces.litmus';
    expect(checkLitmus(load(f), 'lkmm').observation).toBe('Never');
    expect(checkLitmus(load(f, { smp_mb: 'smp_wmb' }), 'lkmm').observation).toBe('Sometimes');
    expect(checkLitmus(load(f, { smp_mb: 'smp_wmb' }), 'tso').observation).toBe('Sometimes');
  });
  it('rewriteProblem: same kind and arguments only', () => {
    expect(rewriteProblem('smp_store_release', 'WRITE_ONCE')).toBeNull();
    expect(rewriteProblem('xchg', 'xchg_relaxed')).toBeNull();
    expect(rewriteProblem('smp_wmb', 'none')).toBeNull();
    expect(rewriteProblem('xchg', 'cmpxchg')).toMatch(/not the same RMW/);
    expect(rewriteProblem('READ_ONCE', 'none')).toMatch(/only a fence/);
    expect(rewriteProblem('READ_ONCE', 'WRITE_ONCE')).toMatch(/is a load, 'WRITE_ONCE' a store/);
    expect(rewriteProblem('spin_lock', 'READ_ONCE')).toMatch(/not a primitive/);
  });
});
