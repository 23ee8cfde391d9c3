/**
 * The livelock watchdog of both runtimes. Every wait of the protocol is a WAIT (the runtimes sleep
 * or block there) and every bounded spin ends in one (idle polling, csd_lock_wait), so a CPU that
 * yields WATCHDOG_STEPS plain STEPs in a row without a WAIT is livelocked (a CAS loop that never
 * succeeds, a list walk that never ends). The run then ends with a report naming the CPU, the
 * innermost kernel function (impl/kernel.ts table) it was in and the steps without progress.
 * The function is found on the JS stack when the watchdog fires (innermostKernelFunction), so the
 * table is not wrapped and a kernel call costs nothing extra.
 */
import type { Access } from './access.js';
import type { KernelFunctionName, KernelFunctions } from './kernel.js';
import type { Ctx } from './memory.js';

/** Own steps of one CPU without a WAIT before the watchdog fires. */
export const WATCHDOG_STEPS = 1 << 16;

export class Livelock extends Error {
  constructor(readonly cpu: number, readonly fn: string, readonly steps: number) {
    super(`watchdog: cpu${cpu} livelocked in ${fn}: ${steps} steps without progress (no wait, no sleep)`);
    this.name = 'Livelock';
  }
}

/** Steps after the watchdog armed its trap (below) in which the CPU makes no access: then it fires unnamed. */
export const WATCHDOG_GRACE = 1024;

const namesOf = new WeakMap<object, ReadonlyMap<string, KernelFunctionName>>();

/** JS function name → kernel table name, for the functions of table `k`. */
function jsNames(k: KernelFunctions): ReadonlyMap<string, KernelFunctionName> {
  let m = namesOf.get(k);
  if (m === undefined) {
    const out = new Map<string, KernelFunctionName>();
    const table = k as unknown as Readonly<Record<KernelFunctionName, unknown>>;
    for (const name of Object.keys(k) as KernelFunctionName[]) {
      const f = table[name];
      if (typeof f === 'function' && f.name !== '' && !out.has(f.name)) out.set(f.name, name);
    }
    namesOf.set(k, out);
    m = out;
  }
  return m;
}

/**
 * The innermost function of the table `k` on the current JS stack, or null. Called where the
 * protocol's frames are on the stack (the plain form's step point; the generator form's trap at
 * the CPU's next access): a running generator's frame, and every frame delegating to it by
 * `yield*`, is on the stack while it runs. Nothing is recorded while no watchdog fires (the
 * table is not wrapped: no frame, no push/pop per call).
 */
export function innermostKernelFunction(k: KernelFunctions): KernelFunctionName | null {
  const names = jsNames(k);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back, never called here
  const prep = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = 1000;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    const sites = holder.stack as readonly NodeJS.CallSite[];
    for (const s of sites) {
      const hit = names.get(s.getFunctionName() ?? '');
      if (hit !== undefined) return hit;
    }
    return null;
  } finally {
    Error.prepareStackTrace = prep;
    Error.stackTraceLimit = limit;
  }
}

/** The report of a livelock detected with the protocol's frames on the stack. */
export function livelockHere(c: Ctx): Livelock {
  return new Livelock(c.cpu, innermostKernelFunction(c.k) ?? 'the command loop', c.stepsWithoutWait);
}

/**
 * The generator form's watchdog, at a STEP the driver took (the protocol's frames are suspended,
 * not on the stack): the first time the CPU reaches WATCHDOG_STEPS, its accessors become a trap
 * that throws the Livelock at its next access (every STEP precedes one), with the frames live;
 * if it makes none within WATCHDOG_GRACE steps, the driver's own throw names no function. A trap
 * that finds the count reset (the CPU waited, or polled idle) puts the accessors back and accesses.
 */
export function watchdogStep(c: Ctx): void {
  const s = ++c.stepsWithoutWait;
  if (s < WATCHDOG_STEPS) return;
  if (s >= WATCHDOG_STEPS + WATCHDOG_GRACE) throw new Livelock(c.cpu, 'an unknown function (no access after the watchdog fired)', s);
  if (s !== WATCHDOG_STEPS) return;
  const orig = c.a;
  const trap: Record<string, unknown> = {};
  const table = orig as unknown as Readonly<Record<string, (...args: number[]) => number | undefined>>;
  for (const name of Object.keys(orig)) {
    trap[name] = (...args: number[]): number | undefined => {
      if (c.stepsWithoutWait < WATCHDOG_STEPS) {
        (c as { a: Access }).a = orig;
        const f = table[name];
        return f === undefined ? undefined : f(...args);
      }
      throw livelockHere(c);
    };
  }
  (c as { a: Access }).a = trap as unknown as Access;
}
