/**
 * The events of a candidate execution (herd's vocabulary): reads R, writes W and fences F, each
 * with its thread, location, value, ordering tags and dependencies, and `axiomaticPort`, which
 * records them while a thread runs with read values chosen from each location's value domain.
 */
import type { FenceKind, LoadOrder, RmwOrder, StoreOrder } from '../impl/access.js';
import type { Val } from './ast.js';
import { LitmusInputError } from './errors.js';
import type { RmwOpName } from './primitives.js';
import type { AccessDeps, MemoryPort, Tainted } from './thread-run.js';
import { applyRmw } from './thread-run.js';

export interface Ev {
  readonly kind: 'R' | 'W' | 'F';
  /** -1 for the initial writes */
  readonly thread: number;
  /** '' for fences */
  readonly loc: string;
  readonly value: Val;
  readonly fence: FenceKind | null;
  readonly acquire: boolean;
  readonly release: boolean;
  /** produced by an RMW primitive (a failed cmpxchg's lone read too) */
  readonly atomic: boolean;
  /** the read of a successful RMW: its write is the next event */
  readonly rmwRead: boolean;
  /** part of a non-value-returning RMW (atomic_add…): smp_rmb does not order it */
  readonly noreturn: boolean;
  /** dependencies: bitmasks over this thread's reads (bit = readIndex) */
  readonly addr: number;
  readonly data: number;
  readonly ctrl: number;
  /** for a read, its bit in the dependency masks; -1 otherwise */
  readonly readIndex: number;
  readonly line: number;
}

const BASE = { fence: null, acquire: false, release: false, atomic: false, rmwRead: false, noreturn: false, addr: 0, data: 0, ctrl: 0, readIndex: -1, line: 0 } as const;

export function initWrite(loc: string, value: Val): Ev {
  return { ...BASE, kind: 'W', thread: -1, loc, value };
}

/** At most this many reads per thread (dependency masks are 31-bit integers). */
export const MAX_READS = 30;

/**
 * The port of one thread's run in the axiomatic enumeration: each read takes a value of its
 * location's domain chosen by `choose`, and the events are appended to `events`.
 */
export function axiomaticPort(file: string, thread: number, domain: (loc: string) => readonly Val[], choose: (n: number) => number, events: Ev[]): MemoryPort {
  let reads = 0;
  const read = (loc: string, deps: AccessDeps, extra: Partial<Ev>): Tainted => {
    if (reads >= MAX_READS) throw new LitmusInputError(file, deps.line, `more than ${MAX_READS} reads in one thread`);
    const dom = domain(loc);
    const v = dom[choose(dom.length)] ?? 0;
    const readIndex = reads++;
    events.push({ ...BASE, kind: 'R', thread, loc, value: v, addr: deps.addr, ctrl: deps.ctrl, readIndex, line: deps.line, ...extra });
    return { v, t: 1 << readIndex };
  };
  const fence = (f: FenceKind, line: number): void => {
    events.push({ ...BASE, kind: 'F', thread, loc: '', value: 0, fence: f, line });
  };
  return {
    load(loc: string, ord: LoadOrder, deps: AccessDeps): Tainted {
      return read(loc, deps, { acquire: ord === 'acquire' });
    },
    store(loc: string, v: Val, ord: StoreOrder, deps: AccessDeps): void {
      events.push({ ...BASE, kind: 'W', thread, loc, value: v, release: ord === 'release', addr: deps.addr, data: deps.data, ctrl: deps.ctrl, line: deps.line });
    },
    rmw(loc: string, op: RmwOpName, a: Val, b: Val, ord: RmwOrder, noreturn: boolean, deps: AccessDeps): Tainted {
      // The fully ordered form is smp_mb() before and after — only when it succeeds.
      const at = events.length;
      const old = read(loc, deps, { atomic: true, noreturn });
      const r = applyRmw(op, old.v, a, b, () => new LitmusInputError(file, deps.line, `${op} on a pointer value`));
      if (!r.writes) return old;
      const R = events[at];
      if (R === undefined) throw new Error('unreachable: the read was just pushed');
      events[at] = { ...R, rmwRead: true, acquire: ord === 'acquire' };
      events.push({ ...BASE, kind: 'W', thread, loc, value: r.v, atomic: true, noreturn, release: ord === 'release', addr: deps.addr, data: deps.data, ctrl: deps.ctrl, line: deps.line });
      if (ord === 'mb') {
        events.splice(at, 0, { ...BASE, kind: 'F', thread, loc: '', value: 0, fence: 'mb', line: deps.line });
        events.push({ ...BASE, kind: 'F', thread, loc: '', value: 0, fence: 'mb', line: deps.line });
      }
      return old;
    },
    fence,
  };
}
