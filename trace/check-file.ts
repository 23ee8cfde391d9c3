/**
 * Glue: file (or line batches) → parser → checker → verdict. Input problems become one
 * `TraceInputError` naming the file and line; lenient mode counts malformed lines as warnings.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FtraceParseError, FtraceParser, type FtraceEvent, type FtraceHeader, type TraceTextItem } from './ftrace-parse.js';
import { TraceChecker } from './checker.js';
import { DatEventReader } from './dat/dat-events.js';
import { closeTraceDat, openTraceDat } from './dat/trace-dat-file.js';
import { byteChunks, detectInput, isTraceDat, openTrace, TraceInputError } from './open-trace.js';
import type { TimelineWindow } from './timeline.js';
import type { TraceVerdict } from './verdict.js';

export interface CheckTraceOptions {
  readonly lenient?: boolean;
  readonly window?: TimelineWindow;
  /** Stop after this many lines (tests use a slice of a long trace). */
  readonly maxLines?: number;
  readonly maxViolations?: number;
  readonly xzBinary?: string;
  /** Ctrl-C: the check stops between batches with `TraceCheckInterrupted` (no partial verdict). */
  readonly signal?: AbortSignal;
  /** Called with every parsed event, in order (abstract state coverage, trace/abstract-trace.ts); the event may be reused after it returns. */
  readonly onEvent?: (ev: FtraceEvent) => void;
}

/** Thrown when `signal` aborted a check: half a trace has no verdict. */
export class TraceCheckInterrupted extends Error {
  override readonly name = 'TraceCheckInterrupted';
}

const MAX_WARNING_EXAMPLES = 20;

/** Checks a stream of text chunks or line batches. `name` is used in messages and the verdict. */
export async function checkTraceLines(lines: AsyncIterable<TraceTextItem> | Iterable<TraceTextItem>, name: string, opts: CheckTraceOptions = {}): Promise<TraceVerdict> {
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
  const lenient = opts.lenient === true;
  const onEvent = opts.onEvent;
  // One event at a time, in line order; lost-event annotations are rare: replay them before the
  // first event after them. The event may be the parser's re-used record (see parseBytesEach).
  const feed = (ev: FtraceEvent): void => {
    while (lost < parser.lostLines.length) {
      const l = parser.lostLines[lost];
      if (l === undefined || l.line > ev.line) break;
      if (l.lost > 0) checker.lost(l.cpu, l.line);
      lost++;
    }
    try {
      onEvent?.(ev);
      checker.feed(ev);
    } catch (e) {
      if (!(e instanceof FtraceParseError) || !lenient) throw e;
      warn(e);
    }
  };
  const onError = lenient ? warn : undefined;
  try {
    for await (const item of lines) {
      if (opts.signal?.aborted === true) throw new TraceCheckInterrupted(`${name}: interrupted`);
      if (Buffer.isBuffer(item)) parser.parseBytesEach(item, feed, onError);
      else {
        const batch: FtraceEvent[] = [];
        if (typeof item === 'string') parser.parseChunk(item, batch, onError);
        else for (const line of item) if (!parser.done) parser.parseChunk(line, batch, onError);
        for (const ev of batch) feed(ev);
      }
      if (parser.done) break;
    }
  } catch (e) {
    if (e instanceof FtraceParseError) throw new TraceInputError(name, e.lineNo, e.reason);
    throw e;
  }
  if (parser.eventLines === 0) throw new TraceInputError(name, null, 'no ftrace event lines found (is this an ftrace text trace?)');
  return checker.finish({ file: name, lines: parser.lineNo, skipped: { ...parser.skipped }, warnings: { count: warningCount, examples: warnings } });
}

/**
 * Checks a trace file: ftrace text (`trace`, `trace_pipe`, `trace-cmd report`) or trace-cmd's
 * binary trace.dat (v6/v7), either of them plain, gzip or xz. The kind is read from the content.
 * Throws `TraceInputError` for unreadable/malformed input.
 */
export async function checkTraceFile(file: string, opts: CheckTraceOptions = {}): Promise<TraceVerdict> {
  if ((await detectInput(file)) === 'trace-dat') return checkTraceDat(file, file, opts);
  const stream = await openTrace(file, opts.xzBinary);
  // A compressed trace.dat (`trace.dat.xz`) needs random access: spool it to a temporary file.
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    stream.destroy();
    throw e;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    try {
      if (first.done !== true) yield first.value;
      for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
    } finally {
      stream.destroy();
    }
  };
  if (first.done !== true && isTraceDat(first.value)) {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-dat-'));
    try {
      const tmp = join(dir, 'trace.dat');
      await pipeline(Readable.from(rest()), createWriteStream(tmp));
      return await checkTraceDat(tmp, file, opts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return checkTraceLines(byteChunks(Readable.from(rest()), file), file, opts);
}

/**
 * Checks a trace-cmd trace.dat at `path` (`name` in messages). Events come from the per-CPU ring
 * buffers merged by time; `line` in findings is the line of `trace-cmd report` output.
 */
export async function checkTraceDat(path: string, name: string, opts: CheckTraceOptions = {}): Promise<TraceVerdict> {
  const dat = openTraceDat(path, name);
  try {
    const checker = new TraceChecker({
      ...(opts.window !== undefined ? { window: opts.window } : {}),
      ...(opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}),
    });
    // A CPU whose oldest events were overwritten starts its window late, like `##### CPU n buffer started`.
    const overwritten = dat.cpuStats.filter((s) => s.overrun > 0).length;
    const header: FtraceHeader = { entriesInBuffer: null, entriesWritten: null, cpus: dat.cpuCount, lostAnnotations: overwritten, nothingOverwritten: dat.cpuStats.length > 0 && overwritten === 0 };
    checker.setHeader(header);
    const reader = new DatEventReader(dat);
    if (opts.maxLines !== undefined) reader.maxLines = opts.maxLines;
    const warnings: string[] = dat.otherInstances.map((n) => `${name}: trace instance ${JSON.stringify(n)} is not checked (only the top instance is)`);
    let lost = 0;
    try {
      const onEvent = opts.onEvent;
      // The event is the reader's re-used record (see DatEventReader.each): fed, not kept.
      const feed = (ev: FtraceEvent): void => {
        while (lost < reader.lost.length) {
          const l = reader.lost[lost];
          if (l === undefined || l.line > ev.line) break;
          header.lostAnnotations++;
          checker.lost(l.cpu, l.line);
          lost++;
        }
        onEvent?.(ev);
        checker.feed(ev);
      };
      while (reader.each(feed) > 0) {
        // Let a signal handler (Ctrl-C) run between batches.
        await new Promise<void>((r) => setImmediate(r));
        if (opts.signal?.aborted === true) throw new TraceCheckInterrupted(`${name}: interrupted`);
      }
    } catch (e) {
      if (e instanceof FtraceParseError) throw new TraceInputError(name, e.lineNo, e.reason);
      throw e;
    }
    if (reader.records === 0) throw new TraceInputError(name, null, 'trace.dat holds no events');
    return checker.finish({ file: name, lines: reader.lineNo, skipped: { ...reader.skipped }, warnings: { count: warnings.length, examples: warnings } });
  } finally {
    closeTraceDat(dat);
  }
}
