/**
 * Running protocol generators on a real thread: STEP costs one generator resume plus a doorbell
 * check (an IPI is taken at any step while interrupts are on); WAIT spins ~200 loads on the word,
 * then sleeps on the CPU's wake word (Atomics.wait), which every producer of a change bumps. A CPU
 * waits on one word but must also wake for an IPI, hence one wake word per CPU rather than
 * sleeping on the lock word itself (the unlocker wakes the CSD's owner: csd-lock.ts).
 * `threadsPoints` are the same two points for the plain form of the protocol (plain-transform.ts),
 * which the workers run unless a variant has no plain form.
 */
import { C_DOORBELL, C_IPIS, C_IRQS_OFF, C_SLEEPING, C_STATE, C_WAKE, H_STOP, HP_ONLINE } from '../layout.js';
import { ipiHandler } from '../flush.js';
import { WAIT, type Ctx, type Proto } from '../memory.js';
import { livelockHere, WATCHDOG_STEPS, watchdogStep } from '../watchdog.js';
import type { Points } from './plain-points.js';

/** Thrown out of a wait when the host stops the run (H_STOP): unwinds a stuck CPU. */
export class StopRun extends Error {
  constructor() {
    super('run stopped by the host');
    this.name = 'StopRun';
  }
}

function ipiPending(c: Ctx): boolean {
  const m = c.m;
  const L = c.L;
  return Atomics.load(m, L.cpu(c.cpu, C_DOORBELL)) !== 0 && Atomics.load(m, L.cpu(c.cpu, C_IRQS_OFF)) === 0
    && Atomics.load(m, L.cpu(c.cpu, C_STATE)) === HP_ONLINE;
}

/** How a form runs the IPI handler to completion (generator form: drive it; plain form: call it). */
type RunIpi = (c: Ctx) => void;

const driveIpi: RunIpi = (c) => { drive(c, ipiHandler(c)); };
// The plain form's table returns plain values: the handler has run when the call returns.
const callIpi: RunIpi = (c) => { (c.k.__flush_smp_call_function_queue as unknown as (c: Ctx, w: boolean, h: boolean) => void)(c, true, true); };

function handleIpi(c: Ctx, run: RunIpi): void {
  const m = c.m;
  const L = c.L;
  // Entering the interrupt masks interrupts and acks the doorbell.
  Atomics.store(m, L.cpu(c.cpu, C_IRQS_OFF), 1);
  Atomics.store(m, L.cpu(c.cpu, C_DOORBELL), 0);
  Atomics.add(m, L.cpu(c.cpu, C_IPIS), 1);
  run(c);
  Atomics.store(m, L.cpu(c.cpu, C_IRQS_OFF), 0);
}

function waitThreads(c: Ctx, run: RunIpi): void {
  const m = c.m;
  const idx = c.waitIdx;
  const val = c.waitVal;
  const spins = c.spinLoads;
  const db = c.L.cpu(c.cpu, C_DOORBELL);
  for (let i = 0; i < spins; i++) {
    if (Atomics.load(m, idx) !== val) return;
    // one extra load per spin for the doorbell; the full check only when it rings
    if (Atomics.load(m, db) !== 0 && ipiPending(c)) { handleIpi(c, run); return; }
  }
  const wake = c.L.cpu(c.cpu, C_WAKE);
  const seq = Atomics.load(m, wake); // read before the re-check: a kick after it changes seq
  if (Atomics.load(m, idx) !== val) return;
  if (ipiPending(c)) { handleIpi(c, run); return; }
  if (Atomics.load(m, H_STOP) !== 0) throw new StopRun();
  const sleeping = c.L.cpu(c.cpu, C_SLEEPING);
  Atomics.store(m, sleeping, 1); // before the wait's own seq check: kick (memory.ts) notifies only sleepers
  Atomics.wait(m, wake, seq, c.waitTimeoutMs);
  Atomics.store(m, sleeping, 0);
}

export function drive<R>(c: Ctx, g: Proto<R>): R {
  const m = c.m;
  const db = c.L.cpu(c.cpu, C_DOORBELL);
  for (;;) {
    const r = g.next();
    if (r.done === true) return r.value;
    if (r.value === WAIT) {
      c.stepsWithoutWait = 0;
      waitThreads(c, driveIpi);
    } else {
      // the watchdog (a livelock never reaches a WAIT, where the stop flag is looked at)
      watchdogStep(c);
      if (m[db] !== 0 && ipiPending(c)) handleIpi(c, driveIpi); // the interrupt line, sampled (below)
    }
  }
}

/**
 * The same two points for the plain form (plain-transform.ts), called where the generator form
 * yields: a step counts for the watchdog and takes a pending IPI, a wait spins then sleeps.
 *
 * A step samples the doorbell (the interrupt line: not kernel memory) with a plain read, in both
 * forms. Steps are most of a call's loads, and an `Atomics.load` is a builtin call in this V8
 * (~8 ns against ~0.5 ns for the read; a sync call to a polling CPU makes 24 steps across both
 * CPUs: about 200 ns of a call's ~750 ns of single-thread work). A plain read of an aligned Int32
 * cannot tear; it can only see the ring late, as an interrupt is taken late. Acting on it is
 * `ipiPending`'s Atomics re-check, and no liveness rests on the sample: every wait's spin and its
 * sleep check read the doorbell with Atomics, and every IPI also bumps the wake word that idle
 * polling watches (then the idle loop flushes the queue itself).
 */
export const threadsPoints: Points = {
  step: (c) => {
    if (++c.stepsWithoutWait >= WATCHDOG_STEPS) throw livelockHere(c); // the protocol's frames are on the stack here
    if (c.m[c.L.cpu(c.cpu, C_DOORBELL)] !== 0 && ipiPending(c)) handleIpi(c, callIpi);
  },
  wait: (c) => {
    c.stepsWithoutWait = 0;
    waitThreads(c, callIpi);
  },
};
