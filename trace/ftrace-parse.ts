/**
 * Streaming parser for ftrace text output: the `trace` file, `trace_pipe`, and `trace-cmd report`.
 *
 * It is independent of where the text came from (a real kernel or the implementation's own export):
 * it only knows the line layout `TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS`. Events the checker
 * models are parsed fully; every other event is only counted by name, which keeps the cost of the
 * uninteresting majority of a real trace to one regex match.
 */

/** One parsed ftrace event line. `ts` is in seconds, as printed. */
export interface FtraceEvent {
  readonly line: number;
  readonly task: string;
  readonly pid: number;
  readonly cpu: number;
  /** Latency flags (`d.h1.`), empty when the format has none (`trace-cmd report` without `-l`). */
  readonly flags: string;
  readonly ts: number;
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** What the header lines of a `trace` file said; all optional because `trace_pipe` has no header. */
export interface FtraceHeader {
  entriesInBuffer: number | null;
  entriesWritten: number | null;
  cpus: number | null;
  /** `##### CPU n buffer started ####` annotations and `CPU:n [LOST k EVENTS]` lines seen. */
  lostAnnotations: number;
}

/** A line that is neither a header, an annotation, nor an event. */
export class FtraceParseError extends Error {
  constructor(
    readonly lineNo: number,
    readonly reason: string,
  ) {
    super(`line ${lineNo}: ${reason}`);
    this.name = 'FtraceParseError';
  }
}

/**
 * Events the trace checker understands (smp-protocol.md §7 plus the irq vectors and the idle-poll
 * wakeup). Everything else is counted in `skipped`.
 */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'csd_queue_cpu',
  'csd_function_entry',
  'csd_function_exit',
  'ipi_send_cpu',
  'ipi_send_cpumask',
  'sched_wake_idle_without_ipi',
  'cpuhp_enter',
  'cpuhp_multi_enter',
  'cpuhp_exit',
  'call_function_single_entry',
  'call_function_single_exit',
  'call_function_entry',
  'call_function_exit',
]);

// One regex for the fixed prefix. The task name may contain '-' and spaces, so it is matched lazily
// up to the last `-PID` that is followed by `[CPU]`; the optional `(TGID)` column and the optional
// flags column cover the `trace` options `record-tgid` and `trace-cmd report` without `-l`.
const PREFIX =
  /^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:([^\s[\]]{4,6})\s+)?(\d+\.\d+):\s+(\w+):\s?(.*)$/;

const LOST = /^CPU:(\d+) \[LOST (\d+) EVENTS\]/;
const BUFFER_STARTED = /^##### CPU (\d+) buffer started ####/;
const ENTRIES = /entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)\s+#P:(\d+)/;
// `trace-cmd report` preamble lines.
const TRACE_CMD_HEADER = /^(?:cpus=\d+|version = |CPU \d+ is empty|trace-cmd: )/;

/**
 * Splits the field text of a known event: `key=value` tokens (a trailing `,` is dropped, as in
 * `func=x, csd=y`), `key: value` pairs (the cpuhp events), and one `(name)` token, stored as `fun`.
 */
export function splitFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pendingKey: string | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && text.charCodeAt(j) !== 32) j++;
    let tok = text.slice(i, j);
    i = j;
    if (tok.endsWith(',')) tok = tok.slice(0, -1);
    if (pendingKey !== null) {
      out[pendingKey] = tok;
      pendingKey = null;
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq > 0) {
      out[tok.slice(0, eq)] = tok.slice(eq + 1);
    } else if (tok.endsWith(':') && tok.length > 1) {
      pendingKey = tok.slice(0, -1);
    } else if (tok.startsWith('(') && tok.endsWith(')')) {
      out['fun'] = tok.slice(1, -1);
    }
  }
  return out;
}

/** Stateful line parser: keeps the header, skipped-event counts and the line number. */
export class FtraceParser {
  readonly header: FtraceHeader = { entriesInBuffer: null, entriesWritten: null, cpus: null, lostAnnotations: 0 };
  readonly skipped: Record<string, number> = {};
  /** Lines that looked like a lost-events annotation, per CPU: the checker treats them as gaps. */
  readonly lostLines: { line: number; cpu: number; lost: number }[] = [];
  lineNo = 0;
  /** Lines that were events (modelled or skipped). */
  eventLines = 0;

  /**
   * Parses the next line. Returns the event, `null` for header/blank/skipped lines, or throws
   * `FtraceParseError` for a malformed line.
   */
  parseLine(text: string): FtraceEvent | null {
    const lineNo = ++this.lineNo;
    if (text.length === 0) return null;
    const c0 = text.charCodeAt(0);
    if (c0 === 35 /* # */) {
      this.parseHeader(text);
      return null;
    }
    const m = PREFIX.exec(text);
    if (m === null) {
      if (text.trim().length === 0) return null;
      const lost = LOST.exec(text);
      if (lost !== null) {
        this.header.lostAnnotations++;
        this.lostLines.push({ line: lineNo, cpu: Number(lost[1]), lost: Number(lost[2]) });
        return null;
      }
      if (TRACE_CMD_HEADER.test(text)) return null;
      throw new FtraceParseError(lineNo, `not an ftrace event line: ${JSON.stringify(text.slice(0, 80))}`);
    }
    this.eventLines++;
    const name = m[6] ?? '';
    if (!KNOWN_EVENTS.has(name)) {
      this.skipped[name] = (this.skipped[name] ?? 0) + 1;
      return null;
    }
    return {
      line: lineNo,
      task: m[1] ?? '',
      pid: Number(m[2]),
      cpu: Number(m[3]),
      flags: m[4] ?? '',
      ts: Number(m[5]),
      name,
      fields: splitFields(m[7] ?? ''),
    };
  }

  private parseHeader(text: string): void {
    const e = ENTRIES.exec(text);
    if (e !== null) {
      this.header.entriesInBuffer = Number(e[1]);
      this.header.entriesWritten = Number(e[2]);
      this.header.cpus = Number(e[3]);
      return;
    }
    const b = BUFFER_STARTED.exec(text);
    if (b !== null) {
      this.header.lostAnnotations++;
      this.lostLines.push({ line: this.lineNo, cpu: Number(b[1]), lost: 0 });
    }
  }
}

export interface ParseOptions {
  /** Count malformed lines as warnings instead of failing. */
  readonly lenient?: boolean;
  /** Called for each malformed line in lenient mode. */
  readonly onWarning?: (err: FtraceParseError) => void;
}

/**
 * Parses batches of lines into batches of events. Batching keeps the per-event cost of async
 * iteration away from the hot path; `parseFtrace` below flattens it for convenience.
 */
export async function* parseFtraceBatches(
  lines: AsyncIterable<readonly string[]>,
  parser: FtraceParser = new FtraceParser(),
  opts: ParseOptions = {},
): AsyncGenerator<FtraceEvent[]> {
  for await (const batch of lines) {
    const out: FtraceEvent[] = [];
    for (const text of batch) {
      try {
        const ev = parser.parseLine(text);
        if (ev !== null) out.push(ev);
      } catch (e) {
        if (!(e instanceof FtraceParseError) || opts.lenient !== true) throw e;
        opts.onWarning?.(e);
      }
    }
    if (out.length > 0) yield out;
  }
}

/** Async generator of events from batches of lines (see `open-trace.ts` for files). */
export async function* parseFtrace(
  lines: AsyncIterable<readonly string[]>,
  parser: FtraceParser = new FtraceParser(),
  opts: ParseOptions = {},
): AsyncGenerator<FtraceEvent> {
  for await (const batch of parseFtraceBatches(lines, parser, opts)) yield* batch;
}
