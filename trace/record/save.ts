/**
 * Saving the instance's `trace` file. The kernel formats that text as it is read (a few hundred
 * thousand events per second), so a large buffer takes seconds. After an abort (Ctrl-C) the copy
 * stops within `graceMs` at the last whole line: the `trace` file prints events merged in time
 * order, so what was copied is the trace of an earlier end time — a complete trace of a shorter
 * run, which `trace check` reads like any other.
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

export interface SaveResult {
  readonly bytes: number;
  /** Newlines copied (lines of the text, header included). */
  readonly lines: number;
  /** The copy was cut short by the abort (the rest of the buffer was not read). */
  readonly truncated: boolean;
  /** The first bytes of the text (the header lines). */
  readonly head: string;
}

export interface SaveOptions {
  readonly signal: AbortSignal;
  /** How long the copy may go on after the abort. */
  readonly graceMs: number;
  /** Clock (tests pass their own). */
  readonly now?: () => number;
}

const HEAD_BYTES = 400;

/**
 * Copies `src` into `dst` and ends `dst` (it does not wait for `dst` to finish: the caller's
 * pipeline does). Returns what was copied.
 */
export async function saveTrace(src: Readable, dst: Writable, opts: SaveOptions): Promise<SaveResult> {
  const now = opts.now ?? Date.now;
  let cutAt = opts.signal.aborted ? now() + opts.graceMs : Infinity;
  const onAbort = (): void => {
    cutAt = now() + opts.graceMs;
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let bytes = 0;
  let lines = 0;
  let head = '';
  let truncated = false;
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      let piece = chunk;
      if (now() >= cutAt) {
        // Keep whole lines only (a cut line would be a malformed last line): stop after this
        // chunk's last newline, or, without one, take it whole and stop at the next.
        const nl = chunk.lastIndexOf(10);
        if (nl >= 0) {
          piece = chunk.subarray(0, nl + 1);
          truncated = true;
        }
      }
      if (head.length < HEAD_BYTES) head += piece.toString('latin1', 0, Math.min(piece.length, HEAD_BYTES - head.length));
      bytes += piece.length;
      for (let i = piece.indexOf(10); i >= 0; i = piece.indexOf(10, i + 1)) lines++;
      if (piece.length > 0 && !dst.write(piece)) await once(dst, 'drain');
      if (truncated) break;
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    src.destroy();
    dst.end();
  }
  return { bytes, lines, truncated, head };
}
