/**
 * Everything a variant is written against, in one import: the protocol's own building blocks
 * (the same ones impl/ uses), the correct functions (`SMP_C`, to delegate to), the shared-memory
 * layout, the accessors' names (`c.a.READ_ONCE`, `c.a.smp_store_release`, …, access.ts) and
 * `defineVariant`. A variant function is a generator `function* (c: Ctx, …): Proto<…>` that
 * `yield STEP`s before every shared access, exactly like the function it replaces.
 */
export { defineVariant, type Variant, type VariantSpec } from './format.js';
export type { Access } from '../impl/access.js';
export { EBUSY, EINVAL, ENOMEM, ENXIO } from '../impl/errno.js';
export { csdDoFunc, csdLockRecord, flushSmpCallFunctionQueue, rearmBacktrace, warnIfOffline } from '../impl/flush.js';
export {
  CPUHP_AP_SMPCFD_DYING, freeCfd, kickAll, PH_PREPARE, PH_RUN, setIrqs, smpcfdDyingCpu, stopMachineRequest, stopMachineRun,
  takeCpuDownDone,
} from '../impl/hotplug.js';
export { haltIdle, pollIdle } from '../impl/idle.js';
export { irqWorkClaim, irqWorkFillQueue } from '../impl/irq-work.js';
export { ttwuActivate, ttwuClaim, ttwuFillQueue } from '../impl/ttwu.js';
export { SMP_C, type KernelFunctions } from '../impl/kernel.js';
export * from '../impl/layout.js';
export { llistChain } from '../impl/llist.js';
export { kick, STEP, WAIT, waitOn, type Ctx, type Proto } from '../impl/memory.js';
export { cpuOnline, expect, fill, irqsDisabled, SCF_RUN_LOCAL, SCF_WAIT, warnIfIrqsOff } from '../impl/smp.js';
export {
  CS_GENERIC_EXEC_SINGLE, CS_IRQ_WORK_QUEUE_ON, CS_MANY_COND, CS_TTWU_QUEUE_WAKELIST, EV_CPUHP_ENTER, EV_CPUHP_EXIT, EV_CSD_QUEUE_CPU,
  EV_IPI_SEND_CPU, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, tracepoint,
} from '../impl/trace-ring.js';
export { callerLock, callerUnlock } from '../impl/shared-csd.js';
export type { KernelOverrides } from '../impl/variant.js';
export type { Rules, Semantics } from '../model/system.js';
export type { Workload } from '../model/workload.js';
