import { describe, expect, it } from 'vitest';
import { atomicsAccess, coreAccess, scCore, type Access } from '../../impl/access.js';

/** One sequence of every accessor; returns what each returned and the final memory. */
function drive(a: Access, m: Int32Array): number[] {
  const r: number[] = [];
  a.WRITE_ONCE(0, 5);
  r.push(a.READ_ONCE(0), a.smp_load_acquire(0));
  a.smp_store_release(1, 7);
  r.push(a.xchg(1, 8), a.xchg_relaxed(1, 9), a.xchg_acquire(1, 10), a.xchg_release(1, 11));
  r.push(a.cmpxchg(1, 11, 12), a.cmpxchg(1, 11, 13)); // success, then a failed one (no store)
  r.push(a.cmpxchg_relaxed(1, 12, 14), a.cmpxchg_acquire(1, 14, 15), a.cmpxchg_release(1, 15, 16));
  a.atomic_set(2, 1);
  a.atomic_add(2, 2);
  a.atomic_or(2, 8);
  a.atomic_andnot(2, 1);
  r.push(a.atomic_read(2), a.atomic_fetch_add(2, 1), a.atomic_fetch_or(2, 16), a.atomic_fetch_andnot(2, 2));
  r.push(a.atomic_fetch_or_relaxed(2, 64), a.atomic_fetch_andnot_relaxed(2, 64));
  a.smp_mb(); a.smp_wmb(); a.smp_rmb(); a.smp_mb__before_atomic(); a.smp_mb__after_atomic();
  r.push(...m);
  return r;
}

describe('impl/access: the kernel-named accessors', () => {
  it('Atomics accessors and the SC MemoryCore do the same thing, value for value', () => {
    const m1 = new Int32Array(new SharedArrayBuffer(16));
    const m2 = new Int32Array(new SharedArrayBuffer(16));
    const a = drive(atomicsAccess(m1), m1);
    const b = drive(coreAccess(scCore(m2), 0), m2);
    expect(b).toEqual(a);
    // spot checks that could fail: the failed cmpxchg returned 12 and did not store 13
    expect(a.slice(0, 2)).toEqual([5, 5]);
    expect(a[6]).toBe(11);
    expect(a[7]).toBe(12);
    expect(m1[1]).toBe(16);
    expect(m1[2]).toBe(25); // (1+2)|8 &~1 = 10; +1 = 11; |16 = 27; &~2 = 25; |64 &~64 = 25
  });
});
