/**
 * The bug catalogue: every named fault of the audit, tying the implementation variant
 * (impl/faults.ts, selected at run time by id) to the model variant (model/faults.ts) that recalls
 * the same bug, with the interleaving that shows it, the invariants it breaks and where it comes
 * from (smp-semantics.md §8 for B1..B10, "classic" for textbook lock-free / locking mistakes).
 */
import type { FaultId } from '../impl/faults.js';
import type { InvariantId } from '../model/types.js';

/** How the audit looks for a fault. */
export type Technique = 'model' | 'props' | 'det-random' | 'det-pct' | 'threads' | 'detector';
export const TECHNIQUES: readonly Technique[] = ['model', 'props', 'det-random', 'det-pct', 'threads', 'detector'];

/**
 * Directed detector checks (audit/detectors.ts). They are not protocol invariants: they test that
 * a diagnostic still fires (B8, B10) or that an order the kernel documents is kept.
 */
export type DetectorId = 'DET-OFFLINE-WARN' | 'DET-BT-TOKEN' | 'DET-FIFO';

export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  /** One paragraph: the bug as an interleaving across CPUs. */
  readonly description: string;
  /** Invariants (smp-protocol.md §8) or detector checks it breaks. Empty: none (say why in `note`). */
  readonly breaks: readonly (InvariantId | DetectorId)[];
  /** Kernel commit that fixed it, or "classic". */
  readonly origin: string;
  readonly implFault: FaultId | null;
  readonly modelFault: string | null;
  /** Techniques that must catch it (the audit test holds the catalogue to this). */
  readonly caughtBy: readonly Technique[];
  readonly note?: string;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'B3-no-dying-flush', title: 'no flush at CPU dying (B3, and B5 where the flush was registered but never run)',
    description: 'CPU0 sees CPU1 online, queues an async call on CPU1 and sends the IPI. CPU1 enters stop_machine with interrupts off before the IPI is taken, clears itself from cpu_online_mask and runs its DYING callbacks, which do not flush call_single_queue. CPU1 dies with the entry queued: the function never runs and CPU0\'s CSD stays locked, so its next async call spins in csd_lock forever.',
    breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL', 'INV-LOCK-RELEASED'],
    origin: 'B3: 8d056c48e486 (2014); B5: 31487f8328f2 introduced, fixed 2017 by Lai Jiangshan (id unverified)',
    implFault: 'no-dying-flush', modelFault: 'no-dying-flush', caughtBy: ['model', 'props'],
  },
  {
    id: 'B4-async-unlock-after-func', title: 'async CSD unlocked only after its function (B4)',
    description: 'CPU0 submits async CSD x to CPU1. CPU1 takes x and starts func(x) with the lock bit still set. func (or CPU2 reacting to func\'s side effects) resubmits x: its csd_lock spins until CPU1 returns from func; when the resubmitter is CPU1 itself with interrupts off, or a CPU that CPU1 waits for, nothing moves again. The unlock point of an ASYNC entry must be before the call.',
    breaks: ['INV-UNLOCK-POINT', 'INV-NO-DEADLOCK'],
    origin: 'B4: 8053871d0f7f (2015, Linus Torvalds)',
    implFault: 'async-unlock-after-func', modelFault: 'async-unlock-after-run', caughtBy: ['model', 'props'],
    note: 'the impl registry has no function that resubmits its own CSD, so no impl run reaches the deadlock itself; the model and the property suite check the unlock point (INV-UNLOCK-POINT, at every func entry)',
  },
  {
    id: 'B6-no-ebusy-check', title: 'async submission without the -EBUSY test (B6)',
    description: 'CPU0 and CPU2 both submit the same async CSD to CPU1. Both read the lock bit clear (or the test is skipped), both set it and both llist_add the one node: the second add overwrites node->next, so CPU1\'s queue either loses entries or holds a cycle; the function runs twice, or on the first target with the second request\'s info.',
    breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-DOUBLE-RUN'],
    origin: 'B6: 19a1f5ec6999 (2020, Peter Zijlstra); introduced by 90b5363acd47',
    implFault: 'no-ebusy-check', modelFault: 'no-ebusy-check', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'B8-offline-warn-checks-queue', title: 'offline detector inspects the emptied queue (B8: detector silenced)',
    description: 'A late IPI reaches CPU1 after it left cpu_online_mask. CPU1\'s flush detaches the whole queue with llist_del_all and only then tests llist_empty(head) to decide the "IPI on offline CPU" warning; the head is empty right after the detach unless another CPU added in the few instructions since, so the real delivery of a batch to an offline CPU passes silently. The protocol still behaves; only the detector is blind.',
    breaks: ['DET-OFFLINE-WARN'],
    origin: 'B8: 9e949a388635 (2022, Nadav Amit); introduced by 8d056c48e486',
    implFault: 'offline-warn-checks-queue', modelFault: null, caughtBy: ['detector'],
  },
  {
    id: 'B9-wait-only-if-ipi', title: 'many-call waits only when it sent an IPI (B9)',
    description: 'CPU2 queues an async entry on CPU1 and sends the IPI; CPU1 has not flushed yet. CPU0 calls smp_call_function_many(wait=1) for CPU1: its llist_add finds the queue non-empty, so no IPI is needed and nr_cpus stays 0; CPU0 skips the wait and returns, its caller frees info; CPU1 then flushes and runs CPU0\'s function on freed memory.',
    breaks: ['INV-WAIT-SET', 'INV-SYNC-AFTER-RUN'],
    origin: 'B9: 946a72819825 (2025, Rik van Riel), replacing reverted a12a498a9738',
    implFault: 'b9-wait-only-if-ipi', modelFault: 'many-wait-if-ipi', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'B10-lockwait-no-bt-token', title: 'every lock-wait reporter backtraces the stuck target (B10)',
    description: 'CPU1 stops responding with interrupts off. CPU0 and CPU2 both wait on CSDs queued to CPU1 and both pass csd_lock_timeout. Without a per-target token each waiter asks for an NMI backtrace of CPU1 (and dumps its own stack) on its report: N waiters give N backtraces of the same target each period, an NMI storm on the very CPU that is already in trouble. With the token the first waiter takes it and the target re-arms it when it next flushes.',
    breaks: ['DET-BT-TOKEN'],
    origin: 'B10: 0d3a00b37042 (2023, Imran Khan); companion 5bd00f6db012',
    implFault: 'lockwait-no-bt-token', modelFault: null, caughtBy: ['detector'],
    note: 'liveness of the diagnostics (smp-semantics §5), not of the protocol',
  },
  {
    id: 'sync-unlock-before-func', title: 'SYNC entry unlocked before its function ran',
    description: 'CPU0 calls smp_call_function_single(1, f, info, wait=1) with an on-stack CSD. CPU1 takes the entry and unlocks it before calling f. CPU0 sees the lock bit clear, returns and reuses its stack (info) while CPU1 is still about to run f on it.',
    breaks: ['INV-SYNC-AFTER-RUN', 'INV-UNLOCK-POINT'],
    origin: 'classic (the SYNC rule of 8053871d0f7f: call, then unlock)',
    implFault: 'sync-unlock-before-func', modelFault: 'sync-unlock-before-run', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'no-ipi-on-empty-edge', title: 'no IPI on the empty-to-non-empty edge',
    description: 'CPU0 llist_adds to CPU1\'s empty queue and, being the producer that made it non-empty, must send the IPI; it does not. CPU1 is halted in idle (or busy with interrupts on and nothing to flush) and never looks at the queue: the entry sits there, a waiting CPU0 spins forever.',
    breaks: ['INV-KICK', 'INV-IPI-OR-POLL', 'INV-NO-LOST-CALL', 'INV-NO-DEADLOCK'],
    origin: 'classic (lost wake-up)',
    implFault: 'no-ipi-on-empty-edge', modelFault: 'no-kick-on-empty', caughtBy: ['model', 'props', 'det-random', 'det-pct', 'threads'],
  },
  {
    id: 'no-stop-machine-barrier', title: 'take_cpu_down without the stop_machine barrier',
    description: 'CPU0 checks cpu_online(1) (true) inside its preemption-disabled window. Without the stop_machine rendezvous CPU1 marks itself offline and runs its dying flush while CPU0 is still in the window; CPU0 then queues the entry on CPU1 after the flush: the dead CPU keeps a non-empty queue and the call is lost.',
    breaks: ['INV-DYING-EMPTY', 'INV-ENXIO', 'INV-NO-LOST-CALL'],
    origin: 'classic (preempt-off vs stop_machine exclusion, documented 2025 by Joel Fernandes / Frederic Weisbecker)',
    implFault: 'no-stop-machine-barrier', modelFault: 'queue-outside-stop-machine', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'flush-before-offline', title: 'dying flush before the CPU is marked offline, no stop_machine barrier',
    description: 'CPU1 runs smpcfd_dying_cpu\'s flush first and clears itself from cpu_online_mask afterwards, and the control CPU does not wait for the others to leave their windows. CPU0 sees CPU1 online between the flush and the clear (or is still in its window) and queues: the entry lands after the last flush of a CPU that is about to die.',
    breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL'],
    origin: 'classic (order inside take_cpu_down: offline first, then the DYING callbacks)',
    implFault: 'flush-before-offline', modelFault: null, caughtBy: ['props', 'det-random', 'det-pct'],
  },
  {
    id: 'cfd-not-freed-at-dead', title: 'smpcfd_dead_cpu leaks the cfd',
    description: 'CPU1 goes down; the control CPU0 runs smpcfd_dead_cpu but forgets to free CPU1\'s cfd (cpumask, cpumask_ipi, per-target CSDs). Each offline/online cycle of CPU1 leaks one more cfd.',
    breaks: ['INV-NO-LEAK'],
    origin: 'classic (resource leak on the hotplug path)',
    implFault: 'cfd-not-freed-at-dead', modelFault: 'cfd-not-freed', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'cfd-freed-at-dying', title: 'cfd freed at dying instead of dead',
    description: 'CPU1\'s last smp_call_function_many(wait=0) queued its cfd CSDs on CPU0 and CPU2. CPU1 then goes down and frees its cfd in smpcfd_dying_cpu, while those CSDs are still queued; the allocator hands the block to the next prepared CPU, whose csd_lock/fill rewrites nodes that CPU0 is about to run.',
    breaks: ['INV-NO-LEAK'],
    origin: 'classic (use-after-free; see smp-semantics §4.2 c for the related latent issue)',
    implFault: 'cfd-freed-at-dying', modelFault: 'cfd-freed-at-dying', caughtBy: ['model', 'det-pct'],
    note: 'random schedules rarely show it in the impl (the block must be handed out again while one of its CSDs is still queued); PCT finds that reuse as INV-ONE-OWNER; the model states when the cfd must exist (INV-NO-LEAK)',
  },
  {
    id: 'mask-not-intersected-online', title: 'cpumask snapshot not intersected with cpu_online_mask',
    description: 'CPU0 calls smp_call_function_many(all CPUs) while CPU2 is offline. The snapshot keeps CPU2, so CPU0 llist_adds a cfd CSD to the dead CPU\'s queue: nobody flushes it, the function never runs and CPU0 (wait=1) spins forever.',
    breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL', 'INV-NO-DEADLOCK'],
    origin: 'classic',
    implFault: 'mask-not-intersected-online', modelFault: 'snapshot-not-online', caughtBy: ['model', 'props'],
  },
  {
    id: 'idle-no-recheck', title: 'idle stops polling without re-checking the queue',
    description: 'CPU1 polls in idle, so CPU0 queues without an IPI (the polling CPU will see it). CPU1 then stops polling and halts without re-checking need_resched / its queue after clearing the polling flag: the entry queued in between is never run.',
    breaks: ['INV-IPI-OR-POLL', 'INV-NO-LOST-CALL'],
    origin: 'classic (lost wake-up around TIF_POLLING_NRFLAG)',
    implFault: 'idle-no-recheck', modelFault: 'idle-no-recheck', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'llist-add-no-cas', title: 'lock-free push without CAS (plain read-then-write)',
    description: 'CPU0 and CPU2 push to CPU1\'s queue at once. Both read head == A, both write their node\'s next = A, both store head = own node: the first store is overwritten, its node is unreachable, its function never runs and (wait=1) its caller spins forever.',
    breaks: ['INV-NO-LOST-CALL', 'INV-LOCK-RELEASED', 'INV-NO-DEADLOCK'],
    origin: 'classic (lost update)',
    implFault: 'llist-add-no-cas', modelFault: null, caughtBy: ['props', 'det-random', 'det-pct'],
  },
  {
    id: 'del-all-no-xchg', title: 'take-all without an atomic exchange',
    description: 'CPU1 reads head == A (load), CPU0 pushes B (head = B -> A), CPU1 stores head = NULL: B was never seen by CPU1 and is now unreachable. The function is lost; a waiting CPU0 spins forever.',
    breaks: ['INV-NO-LOST-CALL', 'INV-ONE-OWNER', 'INV-NO-DEADLOCK'],
    origin: 'classic (lost update)',
    implFault: 'del-all-no-xchg', modelFault: 'del-all-not-atomic', caughtBy: ['model', 'props', 'det-random', 'det-pct'],
  },
  {
    id: 'llist-not-reversed', title: 'list not reversed (batch runs newest first)',
    description: 'CPU0 queues a then b (both async) on CPU1 before CPU1 takes its interrupt. llist is LIFO: without llist_reverse_order CPU1 runs b before a. No call is lost or doubled; only the FIFO order within one flush pass changes, which the kernel keeps but does not promise to callers.',
    breaks: ['INV-ORDER', 'DET-FIFO'],
    origin: 'classic',
    implFault: 'llist-not-reversed', modelFault: null, caughtBy: ['props', 'detector'],
    note: 'the kernel\'s INV-ORDER (smp-semantics §7) only demands SYNC before ASYNC; the property suite\'s INV-ORDER observer also checks queue order within each pass, so it catches it (a batch of two same-type entries suffices); the directed DET-FIFO check (two async entries from one CPU, run order read from the trace) catches it without search. The model explorer cannot: its flush is not list-ordered',
  },
  {
    id: 'csd-lock-no-wait', title: 'csd_lock that does not wait',
    description: 'CPU0\'s async call on CPU1 is still queued (lock bit set) when CPU0 makes its next async call with the same per-CPU csd_data. csd_lock sets the bit without waiting, CPU0 refills func/info and llist_adds the node again: the queued node is overwritten (lost call) or queued twice (cycle, double run).',
    breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-LOST-CALL', 'INV-NO-DOUBLE-RUN'],
    origin: 'classic (B1-like reuse of a descriptor still owned by a receiver)',
    implFault: 'csd-lock-no-wait', modelFault: null, caughtBy: ['props', 'det-random', 'det-pct'],
  },
  {
    id: 'many-wait-first-only', title: 'waiting on only the first CSD of a many-call',
    description: 'CPU0 calls smp_call_function_many({1,2}, wait=1). It waits on the CSD for CPU1, which runs quickly, and returns; CPU2 has not run the function yet and now runs it with CPU0\'s freed info.',
    breaks: ['INV-SYNC-AFTER-RUN', 'INV-WAIT-SET'],
    origin: 'classic',
    implFault: 'many-wait-first-only', modelFault: null, caughtBy: ['props', 'det-random', 'det-pct'],
  },
  {
    id: 'double-unlock', title: 'double unlock of a SYNC CSD',
    description: 'CPU1 flushes CPU0\'s SYNC entry and unlocks it both before and after the call. CPU0 returns at the first unlock (before the function ran); the second unlock hits a CSD that CPU0 may already have re-locked for its next call, releasing it early, or warns on a clear bit.',
    breaks: ['INV-SYNC-AFTER-RUN', 'INV-ONE-OWNER'],
    origin: 'classic',
    implFault: 'double-unlock', modelFault: null, caughtBy: ['props', 'det-random', 'det-pct', 'threads'],
  },
  // model-only variants (no impl counterpart: the impl has no code path for them or they are structural)
  {
    id: 'B7-ttwu-stale-cpu', title: 'TTWU entry routed by a stale task_cpu (B7)',
    description: 'try_to_wake_up on CPU0 reads task_cpu(p) before p->on_cpu; on a weakly ordered CPU the stale value names CPU2 (or CPU0 itself) while p still runs on CPU1. The wakelist entry lands on the wrong CPU\'s queue and that CPU activates p on an rq that is not p\'s.',
    breaks: ['INV-RUN-ON-TARGET'],
    origin: 'B7: b6e13e85829f (2020, Peter Zijlstra); introduced by c6e7bd7afaeb',
    implFault: null, modelFault: 'ttwu-stale-cpu', caughtBy: ['model'],
  },
  {
    id: 'B3-late-ipi-offline', title: 'no dying flush: a late IPI runs the function on the offline CPU (B3 outcome b)',
    description: 'As B3, but the IPI that was pending on CPU1 is delivered after CPU1 left cpu_online_mask (the idle-dead path briefly enables interrupts): the function runs on an offline CPU, which is exactly what the "IPI on offline CPU" warning reports.',
    breaks: ['INV-NOT-ON-OFFLINE'],
    origin: 'B3: 8d056c48e486 (2014)',
    implFault: null, modelFault: 'no-dying-flush-ipi', caughtBy: ['model'],
  },
  {
    id: 'flush-async-first', title: 'flush runs ASYNC entries before SYNC ones',
    description: 'CPU1\'s batch holds CPU2\'s async entry and CPU0\'s sync entry. Running the async one first keeps CPU0 waiting behind work nobody waits for, against the SYNC-first order of 52103be07d8b.',
    breaks: ['INV-ORDER'],
    origin: 'classic (rule of 52103be07d8b, 2020)',
    implFault: null, modelFault: 'flush-async-first', caughtBy: ['model'],
  },
  {
    id: 'no-online-check', title: 'generic_exec_single without the online check',
    description: 'CPU0 calls smp_call_function_single(2, ...) while CPU2 is offline; without the cpu_online test it queues on the dead CPU instead of returning -ENXIO: the call is lost.',
    breaks: ['INV-ENXIO', 'INV-DYING-EMPTY'],
    origin: 'classic',
    implFault: null, modelFault: 'no-online-check', caughtBy: ['model'],
  },
  {
    id: 'enxio-keeps-lock', title: 'the -ENXIO path returns without unlocking the CSD',
    description: 'CPU0\'s async call to offline CPU2 returns -ENXIO but leaves csd_data locked; CPU0\'s next async call spins in csd_lock forever.',
    breaks: ['INV-LOCK-RELEASED'],
    origin: 'classic',
    implFault: null, modelFault: 'enxio-keeps-lock', caughtBy: ['model'],
  },
];

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

export function entryById(id: string): CatalogueEntry {
  const e = CATALOGUE.find((x) => x.id === id || x.implFault === id || x.modelFault === id);
  if (e === undefined) throw new CatalogueError(`fault '${id}': not in the catalogue (known: ${CATALOGUE.map((x) => x.id).join(', ')})`);
  return e;
}
