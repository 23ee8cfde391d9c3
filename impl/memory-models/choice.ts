/**
 * How an operational memory model asks for a nondeterministic decision: `choose(n)` returns a
 * number in [0, n). The scheduler injects it, so a decision is recorded, replayed or enumerated
 * (DFS) like any scheduling choice. `choose(1)` is never asked.
 */
export type Chooser = (n: number) => number;

export function pick(choose: Chooser, n: number): number {
  if (n <= 1) return 0;
  const k = choose(n);
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`chooser returned ${k} for ${n} options`);
  return k;
}

/** The value an RMW stores (and whether it stores) given the old value. */
export function rmwResult(op: 'xchg' | 'cmpxchg' | 'add' | 'or' | 'and' | 'andnot', old: number, a: number, b: number): { readonly writes: boolean; readonly v: number } {
  switch (op) {
    case 'xchg': return { writes: true, v: a };
    case 'cmpxchg': return old === a ? { writes: true, v: b } : { writes: false, v: old };
    case 'add': return { writes: true, v: (old + a) | 0 };
    case 'or': return { writes: true, v: old | a };
    case 'and': return { writes: true, v: old & a };
    case 'andnot': return { writes: true, v: old & ~a };
  }
}
