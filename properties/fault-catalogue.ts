/**
 * Which invariant property must catch which built-in variant (variants/faults/<id>.ts), and
 * the run budget it gets. `B4-async-unlock-after-func` is caught at the unlock point itself
 * (INV-UNLOCK-POINT, the finer invariant smp-semantics.md §7.7 the model also checks) and, with a
 * callback that resubmits its own CSD (fn_resubmit), as the deadlock it is (INV-NO-DEADLOCK).
 */
import type { InvariantId } from '../model/types.js';

export interface FaultExpectation {
  /** built-in variant id (variants/faults/<id>.ts) */
  readonly fault: string;
  /** the property (invariant) that must fail */
  readonly catchBy: InvariantId;
  /** what the variant breaks, one line */
  readonly why: string;
}

export const FAULT_CATALOGUE: readonly FaultExpectation[] = [
  { fault: 'B3-no-dying-flush', catchBy: 'INV-DYING-EMPTY', why: 'B3/B5: a request queued before stop_machine stays on the queue of the dead CPU' },
  { fault: 'sync-unlock-before-func', catchBy: 'INV-SYNC-AFTER-RUN', why: 'the waiter sees the unlock and returns before the func ran' },
  { fault: 'sync-unlock-before-func', catchBy: 'INV-UNLOCK-POINT', why: 'the SYNC CSD is unlocked before its func starts' },
  { fault: 'B4-async-unlock-after-func', catchBy: 'INV-UNLOCK-POINT', why: 'B4: the ASYNC CSD is still locked while its func runs' },
  { fault: 'B4-async-unlock-after-func', catchBy: 'INV-NO-DEADLOCK', why: 'B4: a callback resubmitting its own CSD waits for its own unlock with interrupts off' },
  { fault: 'B6-ebusy-test-race', catchBy: 'INV-ONE-OWNER', why: 'B6: two submitters of one async CSD both pass the -EBUSY test and queue it twice' },
  { fault: 'B6-ebusy-test-race', catchBy: 'INV-NO-DOUBLE-RUN', why: 'B6: the doubly queued CSD runs its func twice' },
  { fault: 'B11-shared-csd-lock-not-atomic', catchBy: 'INV-ONE-OWNER', why: 'B11: two senders take the destination\'s shared csd_data, its node points to itself' },
  { fault: 'B11-shared-csd-lock-not-atomic', catchBy: 'INV-NO-DEADLOCK', why: 'B11: the target\'s flush would walk the self-looped node forever (livelock, reported instead of hung on)' },
  { fault: 'B11-shared-csd-lock-not-atomic', catchBy: 'INV-NO-REUSE-LOCKED', why: 'B11: the shared CSD is queued again while its lock bit is set' },
  { fault: 'no-ipi-on-empty-edge', catchBy: 'INV-KICK', why: 'the producer that made the queue non-empty sends no IPI' },
  { fault: 'no-ipi-on-empty-edge', catchBy: 'INV-IPI-OR-POLL', why: 'an online CPU keeps a non-empty queue with nothing to drain it' },
  { fault: 'no-ipi-on-empty-edge', catchBy: 'INV-NO-LOST-CALL', why: 'the queued func never runs' },
  { fault: 'no-ipi-on-empty-edge', catchBy: 'INV-LOCK-RELEASED', why: 'the CSD of the never-run request stays locked' },
  { fault: 'no-ipi-on-empty-edge', catchBy: 'INV-NO-DEADLOCK', why: 'a waiting caller spins forever' },
  { fault: 'no-stop-machine-barrier', catchBy: 'INV-DYING-EMPTY', why: 'a caller inside its window queues to the CPU after its dying flush' },
  { fault: 'no-stop-machine-barrier', catchBy: 'INV-ENXIO', why: 'a caller that passed the online check queues to a CPU that is already offline' },
  { fault: 'cfd-not-freed-at-dead', catchBy: 'INV-NO-LEAK', why: 'smpcfd_dead_cpu leaks the cfd' },
  { fault: 'mask-not-intersected-online', catchBy: 'INV-DYING-EMPTY', why: 'a many-call queues to an offline CPU' },
  { fault: 'B9-wait-only-if-ipi', catchBy: 'INV-WAIT-SET', why: 'B9: a many-call that sent no IPI returns before its func ran' },
  { fault: 'idle-no-recheck', catchBy: 'INV-NO-LOST-CALL', why: 'the idle CPU halts with a request on its queue' },
  { fault: 'set-nr-if-polling-not-atomic', catchBy: 'INV-NO-LOST-CALL', why: 'the sender sets NEED_RESCHED on a CPU that already left polling, and sends no IPI' },
  { fault: 'many-skips-last-cpu', catchBy: 'INV-NO-LOST-CALL', why: 'the request targets the last CPU of its mask, which never runs it (the implementation\'s records agree with it)' },
  { fault: 'irq-work-queue-offline', catchBy: 'INV-ENXIO', why: 'irq_work_queue_on queues onto a CPU that is down and reports success' },
  { fault: 'irq-work-queue-offline', catchBy: 'INV-DYING-EMPTY', why: 'the work sits on the queue of a CPU that is offline' },
  { fault: 'irq-work-claim-not-atomic', catchBy: 'INV-ONE-OWNER', why: 'two queuers both claim one irq_work and add its node twice (a cycle)' },
  { fault: 'irq-work-claim-not-atomic', catchBy: 'INV-NO-REUSE-LOCKED', why: 'the irq_work is queued again while it is pending' },
  { fault: 'ttwu-with-async', catchBy: 'INV-ORDER', why: 'a wakeup queued before an async entry runs before it, not in the TTWU pass after it' },
  { fault: 'ttwu-chain-first-only', catchBy: 'INV-NO-LOST-CALL', why: 'the second task of a TTWU chain is never woken' },
  { fault: 'ttwu-chain-first-only', catchBy: 'INV-LOCK-RELEASED', why: 'the task left out stays TASK_WAKING' },
  { fault: 'B7-ttwu-stale-cpu', catchBy: 'INV-RUN-ON-TARGET', why: 'B7: the wakeup runs on a CPU that is not the task\'s' },
  { fault: 'many-skips-last-cpu', catchBy: 'INV-SYNC-AFTER-RUN', why: 'a waiting many-call returns with the last CPU of its mask never run' },
];
