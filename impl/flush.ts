/**
 * __flush_smp_call_function_queue (flushSmpCallFunctionQueue): runs on the owning CPU with
 * interrupts off, from the IPI handler, the idle loop and the dying callback.
 */
import {
  C_CUR_CSD, C_CUR_FUNC, C_IRQS_OFF, C_QUEUE, C_STATE, CSD_TYPE_MASK, CSD_TYPE_SYNC, F_FLAGS, F_FUNC, F_INFO,
  H_BT_TOKEN, H_WARN_OFFLINE, HP_ONLINE, NULL,
} from './layout.js';
import { csdUnlock } from './csd-lock.js';
import { F_ASYNC_UNLOCK_AFTER_FUNC, F_DOUBLE_UNLOCK, F_OFFLINE_WARN_CHECKS_QUEUE, F_SYNC_UNLOCK_BEFORE_FUNC } from './faults.js';
import { runFunction } from './functions.js';
import { llistDelAllReversed } from './llist.js';
import { STEP, type Ctx, type Proto } from './memory.js';
import { EV_CSD_FUNCTION_ENTRY, EV_CSD_FUNCTION_EXIT, tracepoint } from './trace-ring.js';

/** csd_do_func: the entry/exit tracepoints around the call; csd NULL for local calls. */
export function* csdDoFunc(c: Ctx, func: number, info: number, csd: number, hardirq: boolean): Proto {
  tracepoint(c, EV_CSD_FUNCTION_ENTRY, func, csd, 0, 0, hardirq);
  yield* runFunction(c, func, info);
  tracepoint(c, EV_CSD_FUNCTION_EXIT, func, csd, 0, 0, hardirq);
}

function* record(c: Ctx, csd: number, func: number): Proto {
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_CUR_FUNC), func);
  Atomics.store(c.m, c.L.cpu(c.cpu, C_CUR_CSD), csd);
}

export function* flushSmpCallFunctionQueueInner(c: Ctx, warnIfOffline: boolean, hardirq: boolean): Proto {
  const m = c.m;
  const L = c.L;
  // 1. take the whole list, oldest first
  const batch = yield* llistDelAllReversed(c, L.cpu(c.cpu, C_QUEUE));
  if (batch.length === 0) return;
  // lock-wait debug (B10): this CPU responds again, so the next stuck waiter may backtrace it
  if (c.debug) Atomics.and(m, H_BT_TOKEN, ~(1 << c.cpu));
  // 2. the detector looks at the detached batch, not the emptied queue (B8)
  if (warnIfOffline) {
    yield STEP;
    const offline = Atomics.load(m, L.cpu(c.cpu, C_STATE)) !== HP_ONLINE;
    // broken (B8): tests llist_empty(head) after the detach, true only for a racing add
    const seen = (c.faults & F_OFFLINE_WARN_CHECKS_QUEUE) !== 0 ? Atomics.load(m, L.cpu(c.cpu, C_QUEUE)) !== NULL : true;
    if (offline && seen) Atomics.add(m, H_WARN_OFFLINE, 1);
  }
  const rest: number[] = [];
  // 3. First; run all SYNC callbacks, people are waiting for us: run, THEN unlock (the waiter may
  //    free its stack CSD as soon as it sees the unlock).
  for (const csd of batch) {
    yield STEP;
    const flags = Atomics.load(m, L.csd(csd, F_FLAGS));
    if ((flags & CSD_TYPE_MASK) !== CSD_TYPE_SYNC) {
      rest.push(csd);
      continue;
    }
    const func = Atomics.load(m, L.csd(csd, F_FUNC));
    const info = Atomics.load(m, L.csd(csd, F_INFO));
    yield* record(c, csd, func);
    if ((c.faults & (F_SYNC_UNLOCK_BEFORE_FUNC | F_DOUBLE_UNLOCK)) !== 0) yield* csdUnlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    if ((c.faults & F_SYNC_UNLOCK_BEFORE_FUNC) === 0) yield* csdUnlock(c, csd);
    yield* record(c, NULL, 0);
  }
  // 4. Second; ASYNC: copy func/info, unlock FIRST (the function may resubmit its own CSD), run.
  //    (IRQ_WORK and TTWU entries are not produced by this implementation.)
  for (const csd of rest) {
    yield STEP;
    const func = Atomics.load(m, L.csd(csd, F_FUNC));
    const info = Atomics.load(m, L.csd(csd, F_INFO));
    yield* record(c, csd, func);
    if ((c.faults & F_ASYNC_UNLOCK_AFTER_FUNC) === 0) yield* csdUnlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    if ((c.faults & F_ASYNC_UNLOCK_AFTER_FUNC) !== 0) yield* csdUnlock(c, csd);
    yield* record(c, NULL, 0);
  }
}

/** generic_smp_call_function_single_interrupt: the IPI handler (interrupts already off). */
export function* ipiHandler(c: Ctx): Proto {
  yield* flushSmpCallFunctionQueueInner(c, true, true);
}

/** flush_smp_call_function_queue: from the idle loop, task context. */
export function* flushSmpCallFunctionQueue(c: Ctx): Proto {
  const m = c.m;
  const irq = c.L.cpu(c.cpu, C_IRQS_OFF);
  yield STEP;
  if (Atomics.load(m, c.L.cpu(c.cpu, C_QUEUE)) === NULL) return;
  const was = Atomics.load(m, irq);
  Atomics.store(m, irq, 1);
  yield* flushSmpCallFunctionQueueInner(c, true, false);
  Atomics.store(m, irq, was);
}
