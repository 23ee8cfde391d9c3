/**
 * One semantics of the litmus C subset, shared by the axiomatic enumerator and the operational
 * executor: a thread runs as a generator over a `MemoryPort` and yields before every shared
 * access (so a scheduler can interleave threads there). Every value carries its taint — the set of
 * this thread's reads it was computed from — so each access knows its address, data and control
 * dependencies as the LKMM defines them (explanation.txt: a control dependency reaches the accesses
 * inside the arms of the `if`, not those after it).
 */
import type { FenceKind, LoadOrder, RmwOrder, StoreOrder } from '../impl/access.js';
import type { Expr, Stmt, Thread, Val } from './ast.js';
import { isPointer, valEq } from './ast.js';
import { LitmusInputError } from './errors.js';
import type { RmwOpName } from './primitives.js';
import { primitive } from './primitives.js';

/** A value and the reads (bits) it depends on. */
export interface Tainted {
  readonly v: Val;
  readonly t: number;
}

/** Dependencies of one access: bitmasks over the thread's reads (bit k = its k-th read). */
export interface AccessDeps {
  readonly addr: number;
  readonly data: number;
  readonly ctrl: number;
  readonly line: number;
}

export interface MemoryPort {
  /** returns the value read and the taint bit of this read */
  load(loc: string, ord: LoadOrder, deps: AccessDeps): Tainted;
  store(loc: string, v: Val, ord: StoreOrder, deps: AccessDeps): void;
  /** returns the old value and the taint bit of the RMW's read; stores iff applyRmw says so */
  rmw(loc: string, op: RmwOpName, a: Val, b: Val, ord: RmwOrder, noreturn: boolean, deps: AccessDeps): Tainted;
  fence(f: FenceKind, line: number): void;
}

/** What an RMW stores given the old value: `cmpxchg` and `add_unless` may store nothing. */
export function applyRmw(op: RmwOpName, old: Val, a: Val, b: Val, where: () => LitmusInputError): { readonly writes: boolean; readonly v: Val } {
  const num = (x: Val): number => {
    if (isPointer(x)) throw where();
    return x;
  };
  switch (op) {
    case 'xchg': return { writes: true, v: a };
    case 'cmpxchg': return valEq(old, a) ? { writes: true, v: b } : { writes: false, v: old };
    case 'add': return { writes: true, v: (num(old) + num(a)) | 0 };
    case 'or': return { writes: true, v: num(old) | num(a) };
    case 'and': return { writes: true, v: num(old) & num(a) };
    case 'andnot': return { writes: true, v: num(old) & ~num(a) };
    case 'add_unless': return valEq(old, b) ? { writes: false, v: old } : { writes: true, v: (num(old) + num(a)) | 0 };
  }
}

export type Registers = Map<string, Val>;

class Interp {
  ctrl = 0;
  readonly regs = new Map<string, Tainted>();
  constructor(readonly file: string, readonly port: MemoryPort) {}

  err(line: number, msg: string): LitmusInputError {
    return new LitmusInputError(this.file, line, msg);
  }

  num(x: Tainted, line: number, what: string): number {
    if (isPointer(x.v)) throw this.err(line, `${what} of the pointer ${x.v.loc}`);
    return x.v;
  }

  loc(x: Tainted, line: number): string {
    if (!isPointer(x.v)) throw this.err(line, `dereference of the integer ${x.v} (not a pointer)`);
    return x.v.loc;
  }

  *stmts(ss: readonly Stmt[]): Generator<void, void> {
    for (const s of ss) yield* this.stmt(s);
  }

  *stmt(s: Stmt): Generator<void, void> {
    switch (s.k) {
      case 'assign': this.regs.set(s.reg, yield* this.expr(s.e, s.line)); return;
      case 'expr': yield* this.expr(s.e, s.line); return;
      case 'if': {
        const c = yield* this.expr(s.cond, s.line);
        const outer = this.ctrl;
        this.ctrl |= c.t;
        const truth = isPointer(c.v) || c.v !== 0;
        yield* this.stmts(truth ? s.then : s.else);
        this.ctrl = outer;
      }
    }
  }

  *expr(e: Expr, line: number): Generator<void, Tainted> {
    switch (e.k) {
      case 'num': return { v: e.v, t: 0 };
      case 'loc': return { v: { loc: e.name }, t: 0 };
      case 'reg': return this.regs.get(e.name) ?? { v: 0, t: 0 };
      case 'call': return yield* this.call(e);
      case 'un': {
        const x = yield* this.expr(e.e, line);
        if (e.op === '!') return { v: isPointer(x.v) ? 0 : x.v === 0 ? 1 : 0, t: x.t };
        const n = this.num(x, line, `'${e.op}'`);
        return { v: e.op === '-' ? -n | 0 : ~n, t: x.t };
      }
      case 'bin': {
        const a = yield* this.expr(e.a, line);
        // C's && and || do not evaluate their right side when the left decides.
        if (e.op === '&&' || e.op === '||') {
          const ta = isPointer(a.v) || a.v !== 0;
          if (e.op === '&&' ? !ta : ta) return { v: ta ? 1 : 0, t: a.t };
          const b = yield* this.expr(e.b, line);
          return { v: isPointer(b.v) || b.v !== 0 ? 1 : 0, t: a.t | b.t };
        }
        const b = yield* this.expr(e.b, line);
        const t = a.t | b.t;
        if (e.op === '==') return { v: valEq(a.v, b.v) ? 1 : 0, t };
        if (e.op === '!=') return { v: valEq(a.v, b.v) ? 0 : 1, t };
        const x = this.num(a, line, `'${e.op}'`);
        const y = this.num(b, line, `'${e.op}'`);
        switch (e.op) {
          case '+': return { v: (x + y) | 0, t };
          case '-': return { v: (x - y) | 0, t };
          case '*': return { v: Math.imul(x, y), t };
          case '/': case '%': {
            if (y === 0) throw this.err(line, 'division by zero');
            return { v: e.op === '/' ? Math.trunc(x / y) : x % y, t };
          }
          case '&': return { v: x & y, t };
          case '|': return { v: x | y, t };
          case '^': return { v: x ^ y, t };
          case '<<': return { v: x << y, t };
          case '>>': return { v: x >> y, t };
          case '<': return { v: x < y ? 1 : 0, t };
          case '>': return { v: x > y ? 1 : 0, t };
          case '<=': return { v: x <= y ? 1 : 0, t };
          case '>=': return { v: x >= y ? 1 : 0, t };
        }
      }
    }
  }

  *call(e: Extract<Expr, { k: 'call' }>): Generator<void, Tainted> {
    const p = primitive(e.fn);
    const line = e.line;
    if (p === undefined) throw this.err(line, `call to ${e.fn}()`);
    const arg = (i: number): Generator<void, Tainted> => {
      const a = e.args[i];
      if (a === undefined) throw this.err(line, `${e.fn}(): missing argument ${i + 1}`);
      return this.expr(a, line);
    };
    switch (p.kind) {
      case 'fence':
        yield;
        this.port.fence(p.f, line);
        return { v: 0, t: 0 };
      case 'load': {
        const ptr = yield* arg(0);
        const loc = this.loc(ptr, line);
        yield;
        return this.port.load(loc, p.ord, { addr: ptr.t, data: 0, ctrl: this.ctrl, line });
      }
      case 'store': {
        const ptr = yield* arg(0);
        const v = yield* arg(1);
        const loc = this.loc(ptr, line);
        yield;
        this.port.store(loc, v.v, p.ord, { addr: ptr.t, data: v.t, ctrl: this.ctrl, line });
        if (p.mbAfter === true) {
          yield;
          this.port.fence('mb', line);
        }
        return { v: 0, t: 0 };
      }
      case 'rmw': {
        let ptr: Tainted;
        let a: Tainted;
        let b: Tainted = { v: 0, t: 0 };
        switch (p.layout) {
          case 'p,v': ptr = yield* arg(0); a = yield* arg(1); break;
          case 'p,o,n': ptr = yield* arg(0); a = yield* arg(1); b = yield* arg(2); break;
          case 'i,p': {
            const i = yield* arg(0);
            ptr = yield* arg(1);
            a = p.k === -1 ? { v: -this.num(i, line, 'negation') | 0, t: i.t } : i;
            break;
          }
          case 'p': ptr = yield* arg(0); a = { v: p.k, t: 0 }; break;
          case 'p,a,u': ptr = yield* arg(0); a = yield* arg(1); b = yield* arg(2); break;
        }
        if (e.fn === 'atomic_inc_not_zero') b = { v: 0, t: 0 };
        const loc = this.loc(ptr, line);
        yield;
        const old = this.port.rmw(loc, p.op, a.v, b.v, p.ord, p.ret === 'none', { addr: ptr.t, data: a.t | b.t, ctrl: this.ctrl, line });
        const r = applyRmw(p.op, old.v, a.v, b.v, () => this.err(line, `${e.fn}() on a pointer value`));
        switch (p.ret) {
          case 'old': return old;
          case 'new': return { v: r.v, t: old.t | a.t };
          case 'bool': return { v: r.writes ? 1 : 0, t: old.t };
          case 'none': return { v: 0, t: 0 };
        }
      }
    }
  }
}

/**
 * Runs `thread` over `port`, yielding before each shared access; returns the final registers.
 * `regInit` holds this thread's initial register values (from `0:r1=…` in the init block).
 */
export function* runThread(file: string, thread: Thread, port: MemoryPort, regInit: ReadonlyMap<string, Val>): Generator<void, Registers> {
  const it = new Interp(file, port);
  for (const [r, v] of regInit) it.regs.set(r, { v, t: 0 });
  yield* it.stmts(thread.body);
  const out: Registers = new Map();
  for (const r of thread.registers) out.set(r, it.regs.get(r)?.v ?? 0);
  for (const [r, v] of it.regs) if (!out.has(r)) out.set(r, v.v);
  return out;
}

/** Runs a generator to completion (no interleaving). */
export function drain<T>(g: Generator<void, T>): T {
  for (;;) {
    const r = g.next();
    if (r.done === true) return r.value;
  }
}

/** This thread's initial registers, from the test's `N:reg=v` entries. */
export function threadRegInit(regInit: ReadonlyMap<string, Val>, thread: number): Map<string, Val> {
  const out = new Map<string, Val>();
  for (const [k, v] of regInit) {
    const [t, r] = k.split(':');
    if (Number(t) === thread && r !== undefined) out.set(r, v);
  }
  return out;
}
