/**
 * Glue: file (or line batches) → parser → checker → verdict. Input problems become one
 * `TraceInputError` naming the file and line; lenient mode counts malformed lines as warnings.
 */
import { FtraceParseError, FtraceParser, parseFtraceBatches } from './ftrace-parse.js';
import { TraceChecker } from './checker.js';
import { openTrace, textChunks, TraceInputError } from './open-trace.js';
import type { TimelineWindow } from './timeline.js';
import type { TraceVerdict } from './verdict.js';

export interface CheckTraceOptions {
  readonly lenient?: boolean;
  readonly window?: TimelineWindow;
  /** Stop after this many lines (tests use a slice of a long trace). */
  readonly maxLines?: number;
  readonly maxViolations?: number;
  readonly xzBinary?: string;
}

const MAX_WARNING_EXAMPLES = 20;

/** Checks a stream of text chunks or line batches. `name` is used in messages and the verdict. */
export async function checkTraceLines(lines: AsyncIterable<string | readonly string[]> | Iterable<string | readonly string[]>, name: string, opts: CheckTraceOptions = {}): Promise<TraceVerdict> {
  const parser = new FtraceParser();
  const checker = new TraceChecker({
    ...(opts.window !== undefined ? { window: opts.window } : {}),
    ...(opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}),
  });
  checker.setHeader(parser.header);
  let lost = 0;
  const warnings: string[] = [];
  let warningCount = 0;
  const warn = (e: FtraceParseError): void => {
    warningCount++;
    if (warnings.length < MAX_WARNING_EXAMPLES) warnings.push(`${name}:${e.lineNo}: ${e.reason}`);
  };
  if (opts.maxLines !== undefined) parser.maxLines = opts.maxLines;
  try {
    for await (const batch of parseFtraceBatches(lines, parser, { lenient: opts.lenient === true, onWarning: warn })) {
      // Lost-event annotations are rare; replay them in line order relative to this batch.
      for (const ev of batch) {
        while (lost < parser.lostLines.length) {
          const l = parser.lostLines[lost];
          if (l === undefined || l.line > ev.line) break;
          if (l.lost > 0) checker.lost(l.cpu, l.line);
          lost++;
        }
        try {
          checker.feed(ev);
        } catch (e) {
          if (!(e instanceof FtraceParseError) || opts.lenient !== true) throw e;
          warn(e);
        }
      }
    }
  } catch (e) {
    if (e instanceof FtraceParseError) throw new TraceInputError(name, e.lineNo, e.reason);
    throw e;
  }
  if (parser.eventLines === 0) throw new TraceInputError(name, null, 'no ftrace event lines found (is this an ftrace text trace?)');
  return checker.finish({ file: name, lines: parser.lineNo, skipped: { ...parser.skipped }, warnings: { count: warningCount, examples: warnings } });
}

/** Checks a trace file (plain, gzip or xz). Throws `TraceInputError` for unreadable/malformed input. */
export async function checkTraceFile(file: string, opts: CheckTraceOptions = {}): Promise<TraceVerdict> {
  const stream = await openTrace(file, opts.xzBinary);
  return checkTraceLines(textChunks(stream, file), file, opts);
}
