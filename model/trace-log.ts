/**
 * What the parallel explorer keeps per state to rebuild counterexamples: the parent reference and
 * the event (5 bytes), appended in the order a worker inserted its states, as TLC writes its
 * parent pointers to disk. Each worker writes its own file (`TraceLog`), 64 Ki records at a time,
 * so the records cost no memory however many states there are; the main thread reads the few it
 * needs back by index (`TraceReader`) to walk a violation's path to the initial state.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const RECORD = 5;
const BLOCK = 1 << 16;
/** Memory a `TraceLog` holds: its write buffer. */
export const TRACE_LOG_BUFFER_BYTES = BLOCK * RECORD;

/** Worker `me`'s trace file in the run's folder. */
export function traceFile(dir: string, me: number): string {
  return join(dir, `worker-${me}.trace`);
}

export class TraceLog {
  private readonly fd: number;
  private readonly buf = new Uint8Array(BLOCK * RECORD);
  private fill = 0;
  /** Records appended. */
  length = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  push(parent: number, via: number): void {
    const b = this.buf;
    const o = this.fill * RECORD;
    b[o] = parent & 0xff;
    b[o + 1] = (parent >>> 8) & 0xff;
    b[o + 2] = (parent >>> 16) & 0xff;
    b[o + 3] = (parent >>> 24) & 0xff;
    b[o + 4] = via;
    this.length++;
    if (++this.fill === BLOCK) this.flush();
  }

  /** Writes the buffered records out (before another thread reads the file). */
  flush(): void {
    let off = 0;
    const end = this.fill * RECORD;
    while (off < end) off += writeSync(this.fd, this.buf, off, end - off);
    this.fill = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads records of a flushed `TraceLog` file by index. */
export class TraceReader {
  private readonly fd: number;
  private readonly rec = new Uint8Array(RECORD);
  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }
  /** Record `k`: its parent reference (-1 for the initial state) and event code. */
  get(k: number): { parent: number; via: number } {
    const n = readSync(this.fd, this.rec, 0, RECORD, k * RECORD);
    if (n !== RECORD) throw new Error(`trace log: no record ${k}`);
    const r = this.rec;
    const parent = ((r[0] as number) | ((r[1] as number) << 8) | ((r[2] as number) << 16) | ((r[3] as number) << 24));
    return { parent, via: r[4] as number };
  }
  close(): void {
    closeSync(this.fd);
  }
}
