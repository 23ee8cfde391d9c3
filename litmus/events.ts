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
  /**
   * For a write while value domains are computed: the write sites its value was derived through
   * (bitmask), or -1 when that derivation uses this site twice (a value out of thin air).
   */
  readonly derivation: number;
}

/** A value a location may hold, with the write sites it was derived through (litmus/enumerate.ts). */
export interface DomainEntry {
  readonly v: Val;
  readonly sites: number;
}

const BASE = { fence: null, acquire: false, release: false, atomic: false, rmwRead: false, noreturn: false, addr: 0, data: 0, ctrl: 0, readIndex: -1, line: 0, derivation: 0 } as const;

export function initWrite(loc: string, value: Val): Ev {
  return { ...BASE, kind: 'W', thread: -1, loc, value };
}

/** At most this many reads per thread (dependency masks are 31-bit integers). */
export const MAX_READS = 30;

/**
 * The port of one thread's run in the axiomatic enumeration: each read takes a value of its
 * location's domain chosen by `choose`, and the events are appended to `events`.
 */
export function axiomaticPort(
  file: string,
  thread: number,
  domain: (loc: string) => readonly DomainEntry[],
  choose: (n: number) => number,
  events: Ev[],
  siteBit: (key: string) => number = () => 0,
): MemoryPort {
  let reads = 0;
  const readSites: number[] = [];
  const writesAt = new Map<number, number>();
  const read = (loc: string, deps: AccessDeps, extra: Partial<Ev>): Tainted => {
    if (reads >= MAX_READS) throw new LitmusInputError(file, deps.line, `more than ${MAX_READS} reads in one thread`);
    const dom = domain(loc);
    const e = dom[choose(dom.length)] ?? { v: 0, sites: 0 };
    const readIndex = reads++;
    readSites[readIndex] = e.sites;
    events.push({ ...BASE, kind: 'R', thread, loc, value: e.v, addr: deps.addr, ctrl: deps.ctrl, readIndex, line: deps.line, ...extra });
    return { v: e.v, t: 1 << readIndex };
  };
  /** The derivation of a write whose value depends on the reads in `mask`. */
  const derive = (mask: number, line: number): number => {
    let sites = 0;
    for (let b = 0; mask >>> b !== 0; b++) if (((mask >>> b) & 1) !== 0) sites |= readSites[b] ?? 0;
    const nth = writesAt.get(line) ?? 0;
    writesAt.set(line, nth + 1);
    const bit = siteBit(`${thread}:${line}:${nth}`);
    return (sites & bit) !== 0 ? -1 : sites | bit;
  };
  const fence = (f: FenceKind, line: number): void => {
    events.push({ ...BASE, kind: 'F', thread, loc: '', value: 0, fence: f, line });
  };
  return {
    load(loc: string, ord: LoadOrder, deps: AccessDeps): Tainted {
      return read(loc, deps, { acquire: ord === 'acquire' });
    },
    store(loc: string, v: Val, ord: StoreOrder, deps: AccessDeps): void {
      events.push({ ...BASE, kind: 'W', thread, loc, value: v, release: ord === 'release', addr: deps.addr, data: deps.data, ctrl: deps.ctrl, line: deps.line, derivation: derive(deps.data, deps.line) });
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
      // xchg and cmpxchg store a value of their arguments; the arithmetic RMWs one computed from the old value.
      const fromOld = op === 'xchg' || op === 'cmpxchg' ? 0 : old.t;
      const derivation = derive(deps.data | fromOld, deps.line);
      events.push({ ...BASE, kind: 'W', thread, loc, value: r.v, atomic: true, noreturn, release: ord === 'release', addr: deps.addr, data: deps.data, ctrl: deps.ctrl, line: deps.line, derivation });
      if (ord === 'mb') {
        events.splice(at, 0, { ...BASE, kind: 'F', thread, loc: '', value: 0, fence: 'mb', line: deps.line });
        events.push({ ...BASE, kind: 'F', thread, loc: '', value: 0, fence: 'mb', line: deps.line });
      }
      return old;
    },
    fence,
  };
}
