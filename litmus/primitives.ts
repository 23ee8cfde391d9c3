/**
 * The kernel primitives a litmus thread may call, with the ordering the LKMM gives each
 * (tools/memory-model/linux-kernel.def names; Documentation/atomic_t.txt). Anything not in this
 * table is unsupported: the parser names it and stops (litmus/errors.ts).
 */
import type { FenceKind, LoadOrder, RmwOrder, StoreOrder } from '../impl/access.js';

/** How an RMW's arguments are laid out: `p` the pointer, `v`/`o`/`n`/`i`/`a`/`u` values. */
export type RmwLayout = 'p,v' | 'p,o,n' | 'i,p' | 'p' | 'p,a,u';

export type RmwOpName = 'xchg' | 'cmpxchg' | 'add' | 'or' | 'and' | 'andnot' | 'add_unless';

export type Primitive =
  /** `deref`: READ_ONCE(*p) takes `*p`; smp_load_acquire(p) takes `p` */
  | { readonly kind: 'load'; readonly ord: LoadOrder; readonly deref: boolean }
  | { readonly kind: 'store'; readonly ord: StoreOrder; readonly deref: boolean; readonly mbAfter?: boolean }
  | {
      readonly kind: 'rmw';
      readonly op: RmwOpName;
      readonly ord: RmwOrder;
      readonly layout: RmwLayout;
      /** for layout 'p' (inc/dec) the operand; for 'i,p' with sub, -1 negates the operand */
      readonly k: number;
      readonly ret: 'old' | 'new' | 'none' | 'bool';
    }
  | { readonly kind: 'fence'; readonly f: FenceKind };

const table = new Map<string, Primitive>();

table.set('READ_ONCE', { kind: 'load', ord: 'once', deref: true });
table.set('smp_load_acquire', { kind: 'load', ord: 'acquire', deref: false });
table.set('atomic_read', { kind: 'load', ord: 'once', deref: false });
table.set('atomic_read_acquire', { kind: 'load', ord: 'acquire', deref: false });
table.set('WRITE_ONCE', { kind: 'store', ord: 'once', deref: true });
table.set('smp_store_release', { kind: 'store', ord: 'release', deref: false });
table.set('atomic_set', { kind: 'store', ord: 'once', deref: false });
table.set('atomic_set_release', { kind: 'store', ord: 'release', deref: false });
table.set('smp_store_mb', { kind: 'store', ord: 'once', deref: false, mbAfter: true });

table.set('smp_mb', { kind: 'fence', f: 'mb' });
table.set('smp_wmb', { kind: 'fence', f: 'wmb' });
table.set('smp_rmb', { kind: 'fence', f: 'rmb' });
table.set('smp_mb__before_atomic', { kind: 'fence', f: 'mb__before_atomic' });
table.set('smp_mb__after_atomic', { kind: 'fence', f: 'mb__after_atomic' });

const ORDERS: readonly [string, RmwOrder][] = [['', 'mb'], ['_relaxed', 'relaxed'], ['_acquire', 'acquire'], ['_release', 'release']];

function rmw(name: string, op: RmwOpName, layout: RmwLayout, ret: 'old' | 'new' | 'bool', k = 1): void {
  for (const [suffix, ord] of ORDERS) table.set(name + suffix, { kind: 'rmw', op, ord, layout, k, ret });
}

rmw('xchg', 'xchg', 'p,v', 'old');
rmw('cmpxchg', 'cmpxchg', 'p,o,n', 'old');
rmw('atomic_xchg', 'xchg', 'p,v', 'old');
rmw('atomic_cmpxchg', 'cmpxchg', 'p,o,n', 'old');
for (const [op, name] of [['add', 'add'], ['or', 'or'], ['and', 'and'], ['andnot', 'andnot']] as const) {
  rmw(`atomic_fetch_${name}`, op, 'i,p', 'old');
}
rmw('atomic_fetch_sub', 'add', 'i,p', 'old', -1);
rmw('atomic_add_return', 'add', 'i,p', 'new');
rmw('atomic_sub_return', 'add', 'i,p', 'new', -1);
rmw('atomic_inc_return', 'add', 'p', 'new', 1);
rmw('atomic_dec_return', 'add', 'p', 'new', -1);
rmw('atomic_fetch_inc', 'add', 'p', 'old', 1);
rmw('atomic_fetch_dec', 'add', 'p', 'old', -1);
// Non-value-returning RMWs: unordered (smp_mb__{before,after}_atomic order them).
const noRet = (name: string, op: RmwOpName, layout: RmwLayout, k: number): void => {
  table.set(name, { kind: 'rmw', op, ord: 'relaxed', layout, k, ret: 'none' });
};
noRet('atomic_add', 'add', 'i,p', 1);
noRet('atomic_sub', 'add', 'i,p', -1);
noRet('atomic_inc', 'add', 'p', 1);
noRet('atomic_dec', 'add', 'p', -1);
noRet('atomic_or', 'or', 'i,p', 1);
noRet('atomic_and', 'and', 'i,p', 1);
noRet('atomic_andnot', 'andnot', 'i,p', 1);
// Conditional: fully ordered when it adds, a relaxed read when it does not.
table.set('atomic_add_unless', { kind: 'rmw', op: 'add_unless', ord: 'mb', layout: 'p,a,u', k: 1, ret: 'bool' });
table.set('atomic_inc_not_zero', { kind: 'rmw', op: 'add_unless', ord: 'mb', layout: 'p', k: 1, ret: 'bool' });

export function primitive(name: string): Primitive | undefined {
  return table.get(name);
}

/**
 * Why `from` cannot be checked as `to` (a variant's litmus rewrite), or null if it can: the same
 * kind and the same arguments (a load as a load, a store as a store, an RMW as the same operation
 * with another ordering, a fence as another fence); `none` drops a fence.
 */
export function rewriteProblem(from: string, to: string): string | null {
  const a = primitive(from);
  if (a === undefined) return `'${from}' is not a primitive the litmus checker models`;
  if (to === 'none') return a.kind === 'fence' ? null : `only a fence can become 'none' ('${from}' is a ${a.kind})`;
  const b = primitive(to);
  if (b === undefined) return `'${to}' is not a primitive the litmus checker models`;
  if (a.kind !== b.kind) return `'${from}' is a ${a.kind}, '${to}' a ${b.kind}`;
  if (a.kind === 'rmw' && b.kind === 'rmw' && (a.op !== b.op || a.layout !== b.layout || a.k !== b.k || a.ret !== b.ret)) {
    return `'${to}' is not the same RMW as '${from}' with another ordering`;
  }
  return null;
}

/** Arity of a primitive's call. */
export function arity(p: Primitive): number {
  switch (p.kind) {
    case 'load': return 1;
    case 'store': return 2;
    case 'fence': return 0;
    case 'rmw': return p.layout === 'p' ? 1 : p.layout === 'p,v' || p.layout === 'i,p' ? 2 : 3;
  }
}

/** Constructs herd7 knows but this checker does not model; naming them gives a clear message. */
export const KNOWN_UNSUPPORTED: ReadonlyMap<RegExp, string> = new Map([
  [/^(raw_)?spin_/, 'spinlocks'],
  [/^(rcu_|synchronize_rcu|call_rcu)/, 'RCU'],
  [/^(srcu_|synchronize_srcu)/, 'SRCU'],
  [/^smp_cond_load/, 'smp_cond_load_*() (a spinning load)'],
  [/^smp_mb__after_(spinlock|unlock_lock)$/, 'lock fences'],
  [/^(try_cmpxchg|atomic_try_cmpxchg)/, 'try_cmpxchg (pointer to the expected value)'],
]);
