/** Public API of the trace checker (`smpcheck trace check`). */
export { FtraceParser, FtraceParseError, KNOWN_EVENTS, parseFtrace, parseFtraceBatches, splitFields } from './ftrace-parse.js';
export type { FtraceEvent, FtraceHeader, ParseOptions } from './ftrace-parse.js';
export { byteChunks, detectInput, isTraceDat, lineBatches, openTrace, textChunks, TraceInputError } from './open-trace.js';
export type { Compression, InputKind } from './open-trace.js';
export { TraceChecker, parseCpumask } from './checker.js';
export type { CheckerOptions } from './checker.js';
export { checkTraceFile, checkTraceLines } from './check-file.js';
export type { CheckTraceOptions } from './check-file.js';
export { ALL_RULES, RULES } from './rules.js';
export type { TraceRule } from './rules.js';
export { DEFAULT_WINDOW, parseWindow, TimelineCollector } from './timeline.js';
export type { TimelineWindow } from './timeline.js';
export { TraceStatsCollector } from './stats.js';
export type * from './verdict.js';
