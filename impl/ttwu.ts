/**
 * Remote wakeups through the wakelist (kernel/sched/core.c, ttwu_queue_wakelist and
 * sched_ttwu_pending): a waker queues the task's wake_entry, a node with CSD_TYPE_TTWU, on the
 * call_single_queue of the task's CPU, and that CPU's flush activates every queued task in its
 * third pass, after the SYNC and the ASYNC/IRQ_WORK ones.
 *
 * The kit's tasks: every CPU owns TASKS tasks (`C_TASK`, wake_entry nodes of the pool; the last
 * one is fn_ttwu_next's). A waker claims a sleeping task with one cmpxchg of its flags word
 * (0 → TASK_WAKING | CSD_TYPE_TTWU: the kernel's p->pi_lock and p->__state test, which let one
 * waker queue a task at a time); a task already being woken gives -EBUSY (try_to_wake_up's "not
 * woken"). The wakeup's effect is the node's func run with its info (a request id), so the
 * request table sees where and how often the task was woken.
 */
import {
  CSD_TYPE_TTWU, F_DST, F_FLAGS, F_FUNC, F_INFO, F_SRC, NULL, TASK_WAKING,
} from './layout.js';
import { EBUSY, ENXIO } from './errno.js';
import { csdDoFunc, csdLockRecord } from './flush.js';
import { STEP, type Ctx, type Proto } from './memory.js';
import { cpuOnline, expect } from './smp.js';
import { CS_TTWU_QUEUE_WAKELIST } from './trace-ring.js';

/** The waker's claim of a sleeping task: false if it is already being woken. */
export function* ttwuClaim(c: Ctx, task: number): Proto<boolean> {
  yield STEP;
  return c.a.cmpxchg(c.L.csd(task, F_FLAGS), 0, TASK_WAKING | CSD_TYPE_TTWU) === 0; // fully ordered
}

/**
 * ttwu_queue_wakelist(p, cpu): 0 = queued on `cpu`'s wakelist, -EBUSY = the task is already
 * being woken, -ENXIO = `cpu` is not an online CPU other than this one (the kernel wakes such a
 * task locally instead: ttwu_queue_cond refuses the wakelist for an inactive CPU or the waker's own).
 */
export function* ttwuQueueWakelist(c: Ctx, task: number, cpu: number, func: number, info: number): Proto<number> {
  if (cpu < 0 || cpu >= c.L.ncpus || cpu === c.cpu || !(yield* cpuOnline(c, cpu))) return -ENXIO;
  if (!(yield* ttwuClaim(c, task))) return -EBUSY;
  yield* ttwuFillQueue(c, task, cpu, func, info);
  return 0;
}

/** After the claim: the task's wakeup (func/info) and its CPU, then __smp_call_single_queue. */
export function* ttwuFillQueue(c: Ctx, task: number, cpu: number, func: number, info: number): Proto {
  yield STEP;
  c.a.WRITE_ONCE(c.L.csd(task, F_FUNC), func);
  c.a.WRITE_ONCE(c.L.csd(task, F_INFO), info);
  c.a.WRITE_ONCE(c.L.csd(task, F_SRC), c.cpu);
  c.a.WRITE_ONCE(c.L.csd(task, F_DST), cpu);
  yield* expect(c, info, cpu);
  yield* c.k.__smp_call_single_queue(c, cpu, task, CS_TTWU_QUEUE_WAKELIST);
}

/** One task of the chain: copy its wakeup, end TASK_WAKING (it may be woken again), run it. */
export function* ttwuActivate(c: Ctx, task: number, hardirq: boolean): Proto {
  yield STEP;
  const func = c.a.READ_ONCE(c.L.csd(task, F_FUNC));
  const info = c.a.READ_ONCE(c.L.csd(task, F_INFO));
  yield* csdLockRecord(c, task, func);
  yield STEP;
  c.a.smp_store_release(c.L.csd(task, F_FLAGS), 0);
  yield* csdDoFunc(c, func, info, task, hardirq);
  yield* csdLockRecord(c, NULL, 0);
}

/**
 * sched_ttwu_pending: the flush's third pass hands it the TTWU entries of its batch, oldest
 * first; it activates each. The kernel traces one csd_function_entry (func sched_ttwu_pending,
 * csd = the first node) for the whole chain; the kit traces one per task (func, its wake_entry),
 * so that the order and refinement oracles see each wakeup.
 */
export function* schedTtwuPending(c: Ctx, chain: readonly number[], hardirq: boolean): Proto {
  for (const task of chain) yield* ttwuActivate(c, task, hardirq);
}
