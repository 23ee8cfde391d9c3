/** Public API of the implementation layer (impl/ never imports model/ at run time). */
export { EBUSY, EINVAL, ENOMEM, ENXIO, errnoName } from './errno.js';
export { KERNEL_FUNCTION_NAMES, SMP_C, type KernelFunctionName, type KernelFunctions } from './kernel.js';
export {
  checkOverrides, importOverrides, kernelTable, overriddenNames, VARIANT_ID, VariantError, type ImplVariant, type KernelOverrides,
} from './variant.js';
export { FUNC_NAMES, funcId, funcName, type FuncName } from './functions.js';
export { Layout, MAX_CPUS } from './layout.js';
export type { DebugReport } from './memory.js';
export {
  accountingReport, postRequest, requestResult, type AccountingReport, type RequestResult, type SmpRequest,
} from './requests.js';
export { createSharedMem, resetSharedMem, type SharedMem, type SmpConfig } from './system.js';
export { cpumaskList, exportFtrace, exportPerfetto, ftraceLine, readTrace, type PerfettoTrace, type TraceEvent } from './trace-export.js';
export {
  DeterministicSystem, runDeterministic, type DeterministicConfig, type DeterministicResult, type StuckCpu,
} from './runtime/deterministic.js';
export { exploreExhaustive, type ExploreOptions, type ExploreResult } from './runtime/explore.js';
export { decodeSchedule, encodeSchedule, NO_VARIANT } from './runtime/schedule.js';
export {
  DfsScheduler, pctScheduler, priorityScheduler, randomScheduler, replayScheduler, ReplayDivergence, type Scheduler,
} from './runtime/schedulers.js';
export { RunFailed, ThreadsSystem, type QuiesceResult } from './runtime/threads.js';
export { spawnWorker, siblingUrl } from './spawn.js';
export { describeCall, timeline, toCounterexample, violatedInvariant } from './counterexample.js';
