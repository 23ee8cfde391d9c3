/**
 * Lock-step replay of the plain protocol form (impl/runtime/plain-transform.ts) against the
 * generator form: both record every access through the accessor layer (`c.a`) as
 * [cpu, op, word, arg1, arg2, result]; the generator form runs on the deterministic stepper under
 * a seeded random schedule, the plain form runs one worker per CPU whose scheduling points wait
 * for their turn in that same schedule (an IPI actor is taken at the point where the CPU waits,
 * as the stepper delivers it between two steps). Same accesses in the same order = same log.
 */
import { atomicsAccess, type Access } from '../../impl/access.js';
import { C_DOORBELL, C_IPIS, C_IRQS_OFF } from '../../impl/layout.js';
import type { Ctx } from '../../impl/memory.js';
import type { Points } from '../../impl/runtime/plain-points.js';

export const ENTRY = 6;
/** control words of a replay */
export const POS = 0;
export const STOP = 1;
export const LOG_LEN = 2;

/** The accessor names in a fixed order (an op's number in the log). */
export const OPS: readonly (keyof Access)[] = (Object.keys(atomicsAccess(new Int32Array(new SharedArrayBuffer(4)))) as (keyof Access)[]).sort();

/** `inner` with every access appended to `sink` as one log entry. */
export function recordingAccess(inner: Access, cpu: number, sink: (e: readonly number[]) => void): Access {
  const out: Record<string, unknown> = {};
  OPS.forEach((name, op) => {
    const table = inner as unknown as Readonly<Record<string, (i?: number, a?: number, b?: number) => number | undefined>>;
    out[name] = (i?: number, a?: number, b?: number): number | undefined => {
      const r = table[name]?.(i, a, b);
      sink([cpu, op, i ?? 0, a ?? 0, b ?? 0, r ?? 0]);
      return r;
    };
  });
  return out as unknown as Access;
}

export class StopReplay extends Error {
  override readonly name = 'StopReplay';
}

/**
 * The lock-step points of CPU `cpu` of `n`: a point ends the current segment (the schedule
 * position moves on) and returns when the schedule names this CPU again. When it names this CPU's
 * IPI actor instead, the point does what the stepper does (interrupts off, doorbell acked) and
 * then runs the handler in the following segments, as the stepper's irq frame does.
 */
export function lockstepPoints(ctl: Int32Array, sched: Int32Array, len: number, cpu: number, n: number): { points: Points; first: (c: Ctx) => void } {
  const endSegment = (): void => {
    Atomics.add(ctl, POS, 1);
    Atomics.notify(ctl, POS);
  };
  const awaitTurn = (): number => {
    for (;;) {
      if (Atomics.load(ctl, STOP) !== 0) throw new StopReplay('stopped');
      const p = Atomics.load(ctl, POS);
      if (p >= len) throw new StopReplay('schedule done');
      const a = sched[p] ?? -1;
      if (a === cpu || a === n + cpu) return a;
      Atomics.wait(ctl, POS, p, 50);
    }
  };
  const mine = (): void => {
    if (awaitTurn() !== cpu) throw new Error(`replay diverged: cpu${cpu} got its IPI actor where it runs with interrupts off`);
  };
  const turn = (c: Ctx): void => {
    for (;;) {
      if (awaitTurn() === cpu) return;
      const m = c.m;
      const L = c.L;
      Atomics.store(m, L.cpu(cpu, C_IRQS_OFF), 1);
      Atomics.store(m, L.cpu(cpu, C_DOORBELL), 0);
      Atomics.add(m, L.cpu(cpu, C_IPIS), 1);
      endSegment(); // the IPI actor's own step
      mine();
      (c.k.__flush_smp_call_function_queue as unknown as (c: Ctx, w: boolean, h: boolean) => void)(c, true, true);
      endSegment(); // the irq frame's STEP after the handler
      mine();
      Atomics.store(m, L.cpu(cpu, C_IRQS_OFF), 0);
      endSegment(); // the frame returns
    }
  };
  const point = (c: Ctx): void => {
    endSegment();
    turn(c);
  };
  return { points: { step: point, wait: point }, first: turn };
}
