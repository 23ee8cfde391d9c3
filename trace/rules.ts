/**
 * The invariants the trace checker evaluates, by stable id. Table ids (smp-protocol.md §8) keep
 * their sentence word for word; `INV-TRACE-…` ids are trace-level checks with no table row.
 */
import type { InvariantId } from '../model/types.js';

export interface TraceRule {
  readonly id: InvariantId;
  readonly sentence: string;
  /** What the trace-level check looks at. */
  readonly traceCheck: string;
}

function rule(id: InvariantId, sentence: string, traceCheck: string): TraceRule {
  return { id, sentence, traceCheck };
}

export const RULES = {
  runOnTarget: rule(
    'INV-RUN-ON-TARGET',
    '`func` runs on the target CPU (or locally for a self-call / run_local)',
    'a csd_function_entry with csd≠0 on CPU c matches a csd_queue_cpu of the same csd to c',
  ),
  noDoubleRun: rule(
    'INV-NO-DOUBLE-RUN',
    'no request runs its `func` twice',
    'each queued request is entered at most once; a csd entered again without a new queue is a double run',
  ),
  notOnOffline: rule(
    'INV-NOT-ON-OFFLINE',
    'no queued `func` runs on a CPU that is offline, except inside its own dying flush',
    'no csd_function_entry on c between the exit of its smpcfd:dying step and its next online step',
  ),
  dyingEmpty: rule(
    'INV-DYING-EMPTY',
    'after a CPU\'s dying flush its queue is empty, and nothing is added until it is online again',
    'no csd_queue_cpu to c from its smpcfd:dying step until it is online again',
  ),
  noLostCall: rule(
    'INV-NO-LOST-CALL',
    'every request that returned 0 has its `func` run exactly once, eventually (given fair scheduling and IPI delivery)',
    'a request queued to c before c\'s smpcfd:dying teardown is run (or proven completed) before the trace ends',
  ),
  kick: rule(
    'INV-KICK',
    'a producer kicks (IPI, or need-resched on a polling target) iff its list add found the queue empty; mask-IPI targets ⊆ queues this call made non-empty',
    'a csd_queue_cpu that provably found c\'s queue empty is followed by ipi_send_cpu/ipi_send_cpumask/sched_wake_idle_without_ipi for c from the same CPU and context',
  ),
  entryExitPair: rule(
    'INV-TRACE-ENTRY-EXIT-PAIR',
    'csd_function_entry and csd_function_exit pair up per CPU (same func and csd, properly nested)',
    'an exit closes the innermost open entry of its CPU; a queued function never starts inside another (only local csd=0 calls may nest)',
  ),
  hotplugOrder: rule(
    'INV-TRACE-HOTPLUG-ORDER',
    'a CPU\'s hotplug steps follow the hotplug state machine: teardown only of an online CPU, bring-up only of an offline one, the steps of one transition in order, and an offline CPU traces nothing',
    'takedown_cpu only for a CPU known online; smpcfd_dead_cpu only after its takedown_cpu; smpcfd_prepare_cpu only for an offline CPU; while one target is pursued the cpuhp steps of a CPU only decrease (down) or only increase (up); each cpuhp_exit closes the innermost open step of that CPU; no event is traced on a CPU between its teardown and its next smpcfd_prepare_cpu (tracepoints fire only on online CPUs)',
  ),
  funcMatch: rule(
    'INV-TRACE-FUNC-MATCH',
    'the function entered for a queued csd is the function queued with it (only the csd owner writes func; INV-ONE-OWNER)',
    'csd_function_entry func equals the func of the matching csd_queue_cpu',
  ),
} as const satisfies Record<string, TraceRule>;

export const ALL_RULES: readonly TraceRule[] = Object.values(RULES);
