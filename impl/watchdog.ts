/**
 * The livelock watchdog of both runtimes. Every wait of the protocol is a WAIT (the runtimes sleep
 * or block there) and every bounded spin ends in one (idle polling, csd_lock_wait), so a CPU that
 * yields WATCHDOG_STEPS plain STEPs in a row without a WAIT is livelocked (a CAS loop that never
 * succeeds, a list walk that never ends). The run then ends with a report naming the CPU, the
 * innermost kernel function (impl/kernel.ts table) it was in and the steps without progress.
 */
import type { KernelFunctionName, KernelFunctions } from './kernel.js';
import type { Ctx, Proto } from './memory.js';

/** Own steps of one CPU without a WAIT before the watchdog fires. */
export const WATCHDOG_STEPS = 1 << 16;

export class Livelock extends Error {
  constructor(readonly cpu: number, readonly fn: string, readonly steps: number) {
    super(`watchdog: cpu${cpu} livelocked in ${fn}: ${steps} steps without progress (no wait, no sleep)`);
    this.name = 'Livelock';
  }
}

/** The innermost kernel function running on `c`, or `the command loop`. */
export function currentFunction(c: Ctx): string {
  return c.fnStack[c.fnStack.length - 1] ?? 'the command loop';
}

type AnyGen = (c: Ctx, a?: unknown, b?: unknown, d?: unknown, e?: unknown, f?: unknown) => Proto<unknown>;

/** Entries of the table that are plain functions, not protocol generators (kernel.ts types them so). */
const NOT_GENERATORS: ReadonlySet<KernelFunctionName> = new Set(['llist_reverse_order', 'trigger_backtrace']);

/**
 * The table with every generator function wrapped to record its name on the CPU's fnStack. Fixed
 * arity (every entry takes at most five arguments after the Ctx; a missing one is undefined, so
 * defaults still apply): no rest array per call. The wrapper is protocol-form code, so the plain
 * form (runtime/plain-transform.ts) makes it a plain function too.
 */
export function namedKernelTable(k: KernelFunctions): KernelFunctions {
  const out: Record<string, unknown> = {};
  const table = k as unknown as Readonly<Record<KernelFunctionName, unknown>>;
  for (const name of Object.keys(k) as KernelFunctionName[]) {
    const f = table[name];
    if (typeof f !== 'function' || NOT_GENERATORS.has(name)) {
      out[name] = f;
      continue;
    }
    const g = f as AnyGen;
    out[name] = function* named(c: Ctx, a?: unknown, b?: unknown, d?: unknown, e?: unknown, f5?: unknown): Proto<unknown> {
      c.fnStack.push(name);
      const r = yield* g(c, a, b, d, e, f5);
      c.fnStack.pop();
      return r;
    };
  }
  return out as unknown as KernelFunctions;
}
