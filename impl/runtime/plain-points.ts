/**
 * What the scheduling points of the plain protocol form (plain-transform.ts) do: `yield STEP`
 * became `step(c)`, `yield WAIT` became `wait(c)`, any other yield `yieldValue(c, v)`. They are
 * live bindings: a runtime installs its own (`installPoints`) before it runs plain code in this
 * thread — the threads runtime (threads-driver.ts `threadsPoints`) or a test's lock-step replay.
 * Until then they throw, so plain code never runs with points that do nothing by accident.
 */
import { STEP, type Ctx, type Yield } from '../memory.js';

export interface Points {
  readonly step: (c: Ctx) => void;
  readonly wait: (c: Ctx) => void;
}

const unset = (): never => { throw new Error('plain protocol: no scheduling points installed in this thread (installPoints)'); };

export let step: (c: Ctx) => void = unset;
export let wait: (c: Ctx) => void = unset;

export function yieldValue(c: Ctx, v: Yield): void {
  if (v === STEP) step(c);
  else wait(c);
}

export function installPoints(p: Points): void {
  step = p.step;
  wait = p.wait;
}
