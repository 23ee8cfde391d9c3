/**
 * File → stream of text lines, with gzip / xz detected by magic bytes (not by the file name, so a
 * renamed file still works). Memory stays bounded: data flows in chunks and lines are handed out in
 * batches; nothing holds the whole file.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Input problem, printed as one line `smpcheck: <file>[:<line>]: <message>`. */
export class TraceInputError extends Error {
  constructor(
    readonly file: string,
    readonly lineNo: number | null,
    readonly reason: string,
  ) {
    super(`${file}${lineNo === null ? '' : `:${lineNo}`}: ${reason}`);
    this.name = 'TraceInputError';
  }
}

export type Compression = 'none' | 'gzip' | 'xz';
/** What a file holds, by its first bytes: ftrace text (maybe compressed) or trace-cmd's binary trace.dat. */
export type InputKind = Compression | 'trace-dat';

const GZIP_MAGIC = [0x1f, 0x8b];
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** trace-cmd trace.dat: 0x17 0x08 0x44 "tracing", then the file version as a NUL-terminated string. */
export const TRACE_CMD_MAGIC: readonly number[] = [0x17, 0x08, 0x44, ...Buffer.from('tracing', 'latin1')];

function startsWith(buf: Uint8Array, magic: readonly number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

/** The buffer starts with trace-cmd's trace.dat magic. */
export function isTraceDat(head: Uint8Array): boolean {
  return startsWith(head, TRACE_CMD_MAGIC);
}

/**
 * Detects the input kind from the content (not the name, so a renamed file still works). Binary
 * data that is none of these is an input error naming the file.
 */
export async function detectInput(file: string): Promise<InputKind> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new TraceInputError(file, null, describeFsError(e));
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, 4096, 0);
    const head = buf.subarray(0, bytesRead);
    if (startsWith(head, GZIP_MAGIC)) return 'gzip';
    if (startsWith(head, XZ_MAGIC)) return 'xz';
    if (isTraceDat(head)) return 'trace-dat';
    if (head.includes(0)) throw new TraceInputError(file, null, 'binary file (NUL bytes), not ftrace text, a trace-cmd trace.dat, gzip or xz');
    return 'none';
  } catch (e) {
    if (e instanceof TraceInputError) throw e;
    throw new TraceInputError(file, null, describeFsError(e));
  } finally {
    await fh.close();
  }
}

function describeFsError(e: unknown): string {
  if (e instanceof Error && 'code' in e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'is a directory';
    if (code === 'EACCES') return 'permission denied';
    return `cannot read (${String(code)})`;
  }
  return 'cannot read';
}

/**
 * Opens a trace file as a byte stream, decompressing gzip with node:zlib and xz by streaming the
 * stdout of `xz -dc` (Node has no xz). Errors of the decompressor surface on the returned stream as
 * `TraceInputError`.
 */
export async function openTrace(file: string, xzBinary = 'xz'): Promise<Readable> {
  const kind = await detectInput(file);
  if (kind === 'trace-dat') throw new TraceInputError(file, null, 'a trace-cmd trace.dat is binary, not a text stream (checkTraceFile reads it)');
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (kind === 'none') return raw;
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(new TraceInputError(file, null, describeFsError(e))));
    gunzip.on('error', () => undefined);
    const out = raw.pipe(gunzip);
    return wrapErrors(out, file, 'gzip');
  }
  const child = spawn(xzBinary, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // The returned stream ends only when xz has exited: a corrupt file must fail, not look short.
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  child.stdout.pipe(out, { end: false });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 500) stderr += s;
  });
  let failed = false;
  child.on('error', (e: NodeJS.ErrnoException) => {
    failed = true;
    const msg =
      e.code === 'ENOENT'
        ? `xz-compressed, but the \`${xzBinary}\` binary was not found (install xz-utils)`
        : `cannot run ${xzBinary}: ${e.message}`;
    out.destroy(new TraceInputError(file, null, msg));
  });
  child.on('close', (code, signal) => {
    if (failed) return;
    if (code === 0) out.end();
    else if (signal !== null) out.destroy(new TraceInputError(file, null, `xz was stopped (${signal})`));
    else {
      const first = stderr.split('\n')[0] ?? '';
      out.destroy(new TraceInputError(file, null, `xz failed (exit ${String(code)}): ${first.replace(/^xz: \(stdin\): /, '')}`));
    }
  });
  // The consumer may stop early (a test slice): a broken pipe to xz is then expected, not an error.
  child.stdin.on('error', () => undefined);
  raw.on('error', (e) => out.destroy(new TraceInputError(file, null, describeFsError(e))));
  raw.pipe(child.stdin);
  out.on('close', () => {
    if (child.exitCode === null) {
      failed = true;
      child.kill();
    }
  });
  return out;
}

function wrapErrors(stream: Readable, file: string, what: string): Readable {
  stream.on('error', () => undefined);
  const orig = stream.destroy.bind(stream);
  stream.destroy = (err?: Error): Readable => {
    if (err !== undefined && !(err instanceof TraceInputError)) {
      return orig(new TraceInputError(file, null, `${what} data is corrupt (${err.message})`));
    }
    return orig(err);
  };
  return stream;
}

/**
 * Cuts a byte stream into chunks of whole lines, left as bytes (the parser scans them in place and
 * decodes only what it keeps). A final line without a newline is its own chunk.
 */
export async function* byteChunks(stream: Readable, file = '<stream>'): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      const nl = buf.lastIndexOf(10);
      if (nl < 0) {
        rest = rest === null ? Buffer.from(buf) : Buffer.concat([rest, buf]);
        continue;
      }
      let from = 0;
      if (rest !== null) {
        const first = buf.indexOf(10);
        yield Buffer.concat([rest, buf.subarray(0, first)]);
        from = first + 1;
      }
      // The stream may re-use its buffer after we yield: copy the tail we carry, not the body.
      rest = nl + 1 < buf.length ? Buffer.from(buf.subarray(nl + 1)) : null;
      if (nl >= from) yield buf.subarray(from, nl); // nl === from: one empty line
    }
  } catch (e) {
    if (e instanceof TraceInputError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TraceInputError(file, null, `read failed: ${msg}`);
  } finally {
    stream.destroy();
  }
  if (rest !== null && rest.length > 0) yield rest;
}

/**
 * Cuts a byte stream into text chunks that end at a line boundary (the parser walks the lines
 * inside a chunk without copying them). Decoded as latin1, see `lineBatches`.
 */
export async function* textChunks(stream: Readable, file = '<stream>'): AsyncGenerator<string> {
  // Decode each cut piece once: the result is one flat one-byte string, so the parser's
  // charCodeAt/indexOf never walk a rope (`rest + chunk` would make one).
  for await (const bytes of byteChunks(stream, file)) yield bytes.toString('latin1');
}

/**
 * Splits a byte stream into batches of lines (without the newline; a trailing `\r` is dropped).
 * Stream errors are rethrown as `TraceInputError` naming the file.
 *
 * Decoded as latin1: every byte is one character, twice as fast as UTF-8 decoding. Everything the
 * checker reads (event names, fields, hex addresses, symbols) is ASCII; only a non-ASCII task name
 * would print garbled in a message.
 */
export async function* lineBatches(stream: Readable, file = '<stream>'): AsyncGenerator<string[]> {
  stream.setEncoding('latin1');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (p !== undefined && p.endsWith('\r')) parts[i] = p.slice(0, -1);
      }
      if (parts.length > 0) yield parts;
    }
  } catch (e) {
    if (e instanceof TraceInputError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TraceInputError(file, null, `read failed: ${msg}`);
  } finally {
    stream.destroy();
  }
  if (rest.length > 0) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}
