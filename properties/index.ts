/** Public API of the property layer (explicit export list) for the CLI and reports. */
export { runPropertySuite, PROPERTY_UNREACHABLE, PROPERTY_INVARIANT_IDS, THREADS_CHECKED, SuiteOptionError, type PropertySuiteOptions, type PropertySuiteResult } from './suite.js';
export { replay } from './replay.js';
export { encodeReplayToken, decodeReplayToken, ReplayTokenError, type ReplayToken } from './replay-token.js';
export { formatCounterexample } from '../model/counterexample-text.js';
export { runInvariantProperty, runInvariantPropertyAsync, sentenceOf, type InvariantOutcome, type InvariantRunOptions } from './invariant-property.js';
export { FAULT_CATALOGUE, type FaultExpectation } from './fault-catalogue.js';
export { smpProperty, executeCommands, type PropertyConfig, type RunStats } from './property.js';
export { refinementProperty, checkRefinement, checkWorkload, RefinementError, type WorkloadCheck } from './refinement/refinement-property.js';
export { fromModelWorkload, describeSmallWorkload } from './refinement/small-workload.js';
export { runRefinement, runRefinementAsync, REFINEMENT_ID, REFINEMENT_SENTENCE, type RefinementOutcome } from './refinement/refinement-run.js';
export { replayTrace, labelsOf, type ReplayResult } from './refinement/trace-replay.js';
export { ModelOracle } from './refinement/model-oracle.js';
export { SteppedSystem } from './stepped-system.js';
export { RealSystem, PropertyViolation } from './real-system.js';
export { threadsProperty, type ThreadsPropertyConfig } from './threads/threads-property.js';
export { ThreadsReal } from './threads/threads-real.js';
