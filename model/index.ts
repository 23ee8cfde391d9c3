/** Public API of the model layer (explicit export list). */
export { csdMachine, csdStates, CSD_STATES, CSD_GUARDS, CSD_ACTIONS, type CsdState, type ComponentEvent } from './csd-chart.js';
export { hotplugMachine, hotplugStates, HOTPLUG_STATES, HOTPLUG_GUARDS, HOTPLUG_ACTIONS, type HotplugState } from './hotplug-chart.js';
export {
  compileWorkload, findWorkload, describeRequest, DEFAULT_WORKLOADS, STRESS_WORKLOAD, REQUEST_KINDS, WorkloadError,
  type Workload, type Request, type RequestKind, type EntryType, type CompiledWorkload, type CompiledRequest, type CompiledSlot,
} from './workload.js';
export {
  createSystemMachine, initialContext, CORRECT_SEMANTICS, SYS_EVENT_TYPES, ENXIO, EBUSY,
  type SystemMachine, type SystemConfig, type SysContext, type SysEvent, type SysEventType, type Semantics,
} from './system.js';
export { Stepper, stateKey, viewOf, allEvents, describeEvent, type SystemSnapshot, type SystemView, type ModelState } from './step.js';
export { FastStepper, type FastSnapshot, type TakenTransition } from './fast-step.js';
export { INVARIANTS, PROTOCOL_INVARIANT_IDS, invariantById, callersDone, type Invariant } from './invariants.js';
export { explore, exploreSteps, type ExploreOptions, type ExploreResult, type ExploreProgress } from './explorer.js';
export { verifyModel, type VerifySummary, type VerifyRow } from './verify.js';
export { applyModelRules, checkModelRules, VariantRulesError, type ModelRules, type ModelVariant } from './variant.js';
export { CoverageCounter, componentStateId } from './coverage.js';
export { stepText, timelineEntry } from './timeline.js';
export { statechartStructure, transitionId } from './graph.js';
export { openModel, type ModelSession } from './session.js';
