/**
 * Streaming parser for ftrace text output: the `trace` file, `trace_pipe`, and `trace-cmd report`.
 *
 * It is independent of where the text came from (a real kernel or the implementation's own export):
 * it only knows the line layout `TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS`. Events the checker
 * models are parsed fully; every other event is only counted by name, which keeps the cost of the
 * uninteresting majority of a real trace to one regex match.
 */
import { Readable } from 'node:stream';
import { textChunks } from './open-trace.js';

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
  /**
   * The source says no event was overwritten (a trace.dat whose per-CPU stats show no overrun);
   * for text, `entries-in-buffer == entries-written` says it.
   */
  nothingOverwritten?: boolean;
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
// Field names of the modelled events, by index. Values are collected per index and the fields
// object of the common events is built as a literal of fixed shape (one hidden class per event
// kind, monomorphic property stores); other events fall back to a generic object.
const K_CPU = 0;
const K_CALLSITE = 1;
const K_FUNC = 2;
const K_CSD = 3;
const K_CALLBACK = 4;
const K_CPUMASK = 5;
const K_VECTOR = 10;
const FIELD_KEYS = ['cpu', 'callsite', 'func', 'csd', 'callback', 'cpumask', 'target', 'step', 'state', 'ret', 'vector', 'idx', 'fun'] as const;
const NKEYS = FIELD_KEYS.length;
const K_FUN = 12;

function keyIndex(text: string, start: number, end: number): number {
  const len = end - start;
  for (let k = 0; k < NKEYS; k++) {
    const key = FIELD_KEYS[k] ?? '';
    if (key.length === len && sameText(text, start, key)) return k;
  }
  return -1;
}

/** Values of the current line by key index, and the last value per key (re-used when repeated). */
const vals: (string | undefined)[] = new Array<string | undefined>(NKEYS).fill(undefined);
const lastVals: string[] = new Array<string>(NKEYS).fill('');

function value(k: number, text: string, start: number, end: number): string {
  const last = lastVals[k] ?? '';
  if (last.length === end - start && sameText(text, start, last)) return last;
  const v = text.slice(start, end);
  lastVals[k] = v;
  return v;
}

/**
 * Splits the field text of a known event: `key=value` tokens (a trailing `,` is dropped, as in
 * `func=x, csd=y`), `key: value` pairs (the cpuhp events), and one `(name)` token, stored as `fun`.
 * `name` (optional) selects the fixed-shape object for the common events.
 */
export function splitFields(text: string, start = 0, end = text.length, name = ''): Record<string, string> {
  let extra: Record<string, string> | null = null;
  let count = 0;
  let pendingKey = -2; // -2: none; -1: an unknown key name kept in pendingName
  let pendingName = '';
  let i = start;
  const n = end;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    let j = i;
    let eq = -1;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === 32) break;
      if (ch === 61 /* = */ && eq < 0) eq = j;
      j++;
    }
    const tend = text.charCodeAt(j - 1) === 44 /* , */ ? j - 1 : j;
    if (pendingKey !== -2) {
      if (pendingKey >= 0) {
        vals[pendingKey] = value(pendingKey, text, i, tend);
        count++;
      } else {
        (extra ??= {})[pendingName] = text.slice(i, tend);
      }
      pendingKey = -2;
    } else if (eq > i) {
      const k = keyIndex(text, i, eq);
      if (k >= 0) {
        vals[k] = value(k, text, eq + 1, tend);
        count++;
      } else {
        (extra ??= {})[text.slice(i, eq)] = text.slice(eq + 1, tend);
      }
    } else if (text.charCodeAt(tend - 1) === 58 /* : */ && tend - i > 1) {
      pendingKey = keyIndex(text, i, tend - 1);
      if (pendingKey < 0) pendingName = text.slice(i, tend - 1);
    } else if (text.charCodeAt(i) === 40 /* ( */ && text.charCodeAt(tend - 1) === 41 /* ) */) {
      vals[K_FUN] = text.slice(i + 1, tend - 1);
      count++;
    }
    i = j;
  }
  return finishFields(name, count, extra);
}

/**
 * Bytes [start, end) as a latin1 string. The scanners work on plain `Uint8Array`s only (one
 * elements map at every load: a `Buffer` mixed in makes each load polymorphic); this decodes
 * through Buffer's native latin1 decoder without copying.
 */
function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** The latin1 bytes of a constant: compared byte to byte (a string's charCodeAt costs more per byte). */
function bytesOf(s: string): Uint8Array {
  const u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 0xff;
  return u;
}

/** Bytes `b[start..]` begin with the bytes `s`. */
function sameU8(b: Uint8Array, start: number, s: Uint8Array): boolean {
  const n = s.length;
  for (let k = 0; k < n; k++) if (b[start + k] !== s[k]) return false;
  return true;
}

/** Byte `b[start..]` equals the string `s` (ASCII). */
function sameBytes(b: Uint8Array, start: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (b[start + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** `keyIndex` over bytes: dispatched on the first byte, then compared. */
function keyIndexBytes(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  const list = KEYS_BY_FIRST[b[start] ?? 0];
  if (list === undefined) return -1;
  for (const k of list) {
    const key = FIELD_KEYS[k] ?? '';
    if (key.length === len && sameBytes(b, start, key)) return k;
  }
  return -1;
}

const KEYS_BY_FIRST: (number[] | undefined)[] = [];
for (let k = 0; k < NKEYS; k++) (KEYS_BY_FIRST[(FIELD_KEYS[k] ?? ' ').charCodeAt(0)] ??= []).push(k);

/**
 * Strings decoded from bytes, re-used by content: the values a trace repeats (csd addresses,
 * callsites, function and task names) are decoded once. A direct-mapped cache indexed by an FNV-1a
 * hash of the bytes and checked byte by byte, so a collision only costs a decode; its size is
 * fixed, so the memory stays flat however long the trace.
 */
class ByteInterner {
  private static readonly SLOTS = 1 << 12;
  private readonly hashes = new Int32Array(ByteInterner.SLOTS);
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(ByteInterner.SLOTS).fill(undefined);
  /** A copy of each slot's bytes, to verify a hit without reading the string. */
  private readonly bytes: Uint8Array[] = new Array<Uint8Array>(ByteInterner.SLOTS).fill(new Uint8Array(0));

  get(b: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193);
    return this.hashed(h, b, start, end);
  }

  /** `get` with the FNV-1a hash of the bytes already computed by the caller's scan. */
  hashed(h: number, b: Uint8Array, start: number, end: number): string {
    const slot = (h ^ (h >>> 12) ^ (h >>> 24)) & (ByteInterner.SLOTS - 1);
    const hit = this.strings[slot];
    if (hit !== undefined && this.hashes[slot] === h) {
      const k = this.bytes[slot] as Uint8Array;
      if (k.length === end - start && sameU8(b, start, k)) return hit;
    }
    const v = latin1(b, start, end);
    this.hashes[slot] = h;
    this.strings[slot] = v;
    this.bytes[slot] = b.slice(start, end);
    return v;
  }
}

const interned = new ByteInterner();

/**
 * The exact print formats of the kernel's busiest events, matched without tokenising (one pass,
 * values hashed as they are scanned): `func=F, csd=C`, `cpu=N callsite=S func=F csd=C`,
 * `cpu=N callsite=S callback=B`, `vector=V`. Anything else (extra or missing fields, a doubled
 * space, a trailing comma) returns null and goes through `splitFieldsBytes`, so the result is
 * always what the tokeniser would give.
 */
let scanHash = 0;

/** End of the value starting at `s` (next space or `end`), hashing it into `scanHash`; -1 if empty or ending in ','. */
function word(b: Uint8Array, s: number, end: number): number {
  let h = 0x811c9dc5;
  let j = s;
  for (; j < end; j++) {
    const c = b[j] ?? 0;
    if (c === 32) break;
    if (c === 10 || c === 13) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (j === s || j === end || b[j - 1] === 44) return -1;
  scanHash = h;
  return j;
}

/** `b[i..]` is ` key=` (with the leading space): index after it, else -1. */
function key(b: Uint8Array, i: number, end: number, k: Uint8Array): number {
  if (i + k.length + 1 > end || b[i] !== 32 || !sameU8(b, i + 1, k)) return -1;
  return i + 1 + k.length;
}

const B_FUNC = bytesOf('func=');
const B_CSD = bytesOf('csd=');
const B_CPU = bytesOf('cpu=');
const B_CALLSITE = bytesOf('callsite=');
const B_CALLBACK = bytesOf('callback=');
const B_VECTOR = bytesOf('vector=');

/**
 * Where `fastFieldsBytes` found the line to end: the index after its `\n` (or the chunk end).
 * The last value is scanned up to the line end (`\n`, `\r\n`, or the end of the chunk).
 */
let lineNext = 0;

/** End of the last value starting at `s` (hashing it into `scanHash`), setting `lineNext`; -1 unless the line ends there. */
function lastWord(b: Uint8Array, s: number, n: number): number {
  let h = 0x811c9dc5;
  let j = s;
  for (; j < n; j++) {
    const c = b[j] ?? 0;
    if (c === 32 || c === 10 || c === 13) break;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (j === s || b[j - 1] === 44) return -1;
  if (j === n) lineNext = n;
  else if (b[j] === 10) lineNext = j + 1;
  else if (b[j] === 13 && b[j + 1] === 10) lineNext = j + 2;
  else return -1; // a space, or a `\r` that does not end the line: the tokeniser decides
  scanHash = h;
  return j;
}

/** The fields records `fastFieldsBytes` fills, one per format (re-used: see `ownedFields`). */
const F_FUNC_CSD = { func: '', csd: '' };
const F_QUEUE = { cpu: '', callsite: '', func: '', csd: '' };
const F_IPI = { cpu: '', callsite: '', callback: '' };
const F_VECTOR = { vector: '' };

/** A copy of a re-used fields record, for an event the caller keeps. */
function ownedFields(f: Record<string, string> | null): Record<string, string> | null {
  return f === null ? null : { ...f };
}

/** A copy of the parser's re-used event record (and its fields), for an event the caller keeps. */
function owned(ev: FtraceEvent): FtraceEvent {
  return { line: ev.line, task: ev.task, pid: ev.pid, cpu: ev.cpu, flags: ev.flags, ts: ev.ts, name: ev.name, fields: { ...ev.fields } };
}

/** An `FtraceEvent` the parser fills in place. */
type MutableEvent = { -readonly [K in keyof FtraceEvent]: FtraceEvent[K] };

/**
 * Fields of the fast formats from `start` to the end of the line, which it finds (`lineNext`);
 * `n` bounds the chunk (or is the line end). Null for anything else: the caller then tokenises.
 * The result is one of the `F_*` records, overwritten by the next call.
 */
function fastFieldsBytes(b: Uint8Array, start: number, n: number, name: string): Record<string, string> | null {
  while (start < n && b[start] === 32) start++; // trace-cmd report pads after the event name
  switch (name) {
    case 'csd_function_entry':
    case 'csd_function_exit': {
      if (!sameU8(b, start, B_FUNC)) return null;
      const fs = start + 5;
      let h = 0x811c9dc5;
      let j = fs;
      for (; j < n; j++) {
        const c = b[j] ?? 0;
        if (c === 44 || c === 32 || c === 10) break;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (j === fs || b[j] !== 44) return null;
      const func = interned.hashed(h, b, fs, j);
      const cs = key(b, j + 1, n, B_CSD);
      let e: number;
      if (cs < 0 || (e = lastWord(b, cs, n)) < 0) return null;
      const f = F_FUNC_CSD;
      f.func = func;
      f.csd = interned.hashed(scanHash, b, cs, e);
      return f;
    }
    case 'csd_queue_cpu': {
      if (!sameU8(b, start, B_CPU)) return null;
      let i = start + 4;
      let j = word(b, i, n);
      if (j < 0) return null;
      const cpu = interned.hashed(scanHash, b, i, j);
      if ((i = key(b, j, n, B_CALLSITE)) < 0 || (j = word(b, i, n)) < 0) return null;
      const callsite = interned.hashed(scanHash, b, i, j);
      if ((i = key(b, j, n, B_FUNC)) < 0 || (j = word(b, i, n)) < 0) return null;
      const func = interned.hashed(scanHash, b, i, j);
      if ((i = key(b, j, n, B_CSD)) < 0 || (j = lastWord(b, i, n)) < 0) return null;
      const f = F_QUEUE;
      f.cpu = cpu;
      f.callsite = callsite;
      f.func = func;
      f.csd = interned.hashed(scanHash, b, i, j);
      return f;
    }
    case 'ipi_send_cpu': {
      if (!sameU8(b, start, B_CPU)) return null;
      let i = start + 4;
      let j = word(b, i, n);
      if (j < 0) return null;
      const cpu = interned.hashed(scanHash, b, i, j);
      if ((i = key(b, j, n, B_CALLSITE)) < 0 || (j = word(b, i, n)) < 0) return null;
      const callsite = interned.hashed(scanHash, b, i, j);
      if ((i = key(b, j, n, B_CALLBACK)) < 0 || (j = lastWord(b, i, n)) < 0) return null;
      const f = F_IPI;
      f.cpu = cpu;
      f.callsite = callsite;
      f.callback = interned.hashed(scanHash, b, i, j);
      return f;
    }
    case 'call_function_single_entry':
    case 'call_function_single_exit':
    case 'call_function_entry':
    case 'call_function_exit': {
      let j: number;
      if (!sameU8(b, start, B_VECTOR) || (j = lastWord(b, start + 7, n)) < 0) return null;
      F_VECTOR.vector = interned.hashed(scanHash, b, start + 7, j);
      return F_VECTOR;
    }
    default:
      return null;
  }
}

/** `splitFields` over latin1 bytes [start, end): the same tokens, keys and fixed shapes. */
function splitFieldsBytes(b: Uint8Array, start: number, end: number, name: string): Record<string, string> {
  let extra: Record<string, string> | null = null;
  let count = 0;
  let pendingKey = -2;
  let pendingName = '';
  let i = start;
  const n = end;
  while (i < n) {
    while (i < n && b[i] === 32) i++;
    if (i >= n) break;
    let j = i;
    let eq = -1;
    // FNV-1a of the value after '=' (or of the whole token), minus a trailing ',' : the interner's key
    let h = 0x811c9dc5;
    let hPrev = h;
    while (j < n) {
      const ch = b[j] ?? 0;
      if (ch === 32) break;
      if (ch === 61 && eq < 0) {
        eq = j;
        h = hPrev = 0x811c9dc5;
      } else {
        hPrev = h;
        h = Math.imul(h ^ ch, 0x01000193);
      }
      j++;
    }
    const comma = b[j - 1] === 44;
    const tend = comma ? j - 1 : j;
    if (comma) h = hPrev;
    if (pendingKey !== -2) {
      if (pendingKey >= 0) {
        vals[pendingKey] = eq < 0 ? interned.hashed(h, b, i, tend) : interned.get(b, i, tend); // h covers only what followed '='
        count++;
      } else {
        (extra ??= {})[pendingName] = latin1(b, i, tend);
      }
      pendingKey = -2;
    } else if (eq > i) {
      const k = keyIndexBytes(b, i, eq);
      if (k >= 0) {
        vals[k] = interned.hashed(h, b, eq + 1, tend);
        count++;
      } else {
        (extra ??= {})[latin1(b, i, eq)] = latin1(b, eq + 1, tend);
      }
    } else if (b[tend - 1] === 58 && tend - i > 1) {
      pendingKey = keyIndexBytes(b, i, tend - 1);
      if (pendingKey < 0) pendingName = latin1(b, i, tend - 1);
    } else if (b[i] === 40 && b[tend - 1] === 41) {
      vals[K_FUN] = interned.get(b, i + 1, tend - 1);
      count++;
    }
    i = j;
  }
  return finishFields(name, count, extra);
}

/** The fields object of a split line: the fixed shape of its kind, else a generic record. */
function finishFields(name: string, count: number, extra: Record<string, string> | null): Record<string, string> {
  const out = extra === null ? shaped(name, count) : null;
  if (out !== null) return out;
  const generic: Record<string, string> = extra ?? {};
  for (let k = 0; k < NKEYS; k++) {
    const v = vals[k];
    if (v !== undefined) {
      generic[FIELD_KEYS[k] ?? ''] = v;
      vals[k] = undefined;
    }
  }
  return generic;
}

/** The fixed-shape fields object when the line has exactly the fields of its event kind. */
function shaped(name: string, count: number): Record<string, string> | null {
  const cpu = vals[K_CPU];
  const callsite = vals[K_CALLSITE];
  const func = vals[K_FUNC];
  const csd = vals[K_CSD];
  const callback = vals[K_CALLBACK];
  const cpumask = vals[K_CPUMASK];
  const vector = vals[K_VECTOR];
  let out: Record<string, string> | null = null;
  switch (name) {
    case 'csd_function_entry':
    case 'csd_function_exit':
      if (count === 2 && func !== undefined && csd !== undefined) out = { func, csd };
      break;
    case 'csd_queue_cpu':
      if (count === 4 && cpu !== undefined && callsite !== undefined && func !== undefined && csd !== undefined) out = { cpu, callsite, func, csd };
      break;
    case 'ipi_send_cpu':
      if (count === 3 && cpu !== undefined && callsite !== undefined && callback !== undefined) out = { cpu, callsite, callback };
      break;
    case 'ipi_send_cpumask':
      if (count === 3 && cpumask !== undefined && callsite !== undefined && callback !== undefined) out = { cpumask, callsite, callback };
      break;
    case 'sched_wake_idle_without_ipi':
      if (count === 1 && cpu !== undefined) out = { cpu };
      break;
    case 'call_function_single_entry':
    case 'call_function_single_exit':
    case 'call_function_entry':
    case 'call_function_exit':
      if (count === 1 && vector !== undefined) out = { vector };
      break;
    default:
      break;
  }
  if (out !== null) {
    vals[K_CPU] = vals[K_CALLSITE] = vals[K_FUNC] = vals[K_CSD] = vals[K_CALLBACK] = vals[K_CPUMASK] = vals[K_VECTOR] = undefined;
  }
  return out;
}

const KNOWN_BY_LENGTH = new Map<number, string[]>();
for (const n of KNOWN_EVENTS) {
  const list = KNOWN_BY_LENGTH.get(n.length) ?? [];
  list.push(n);
  KNOWN_BY_LENGTH.set(n.length, list);
}

function knownName(text: string, start: number, end: number): string | undefined {
  const list = KNOWN_BY_LENGTH.get(end - start);
  if (list === undefined) return undefined;
  for (const n of list) if (text.startsWith(n, start)) return n;
  return undefined;
}

/** Known event names by length, with their bytes. */
const KNOWN_BYTES: (readonly (readonly [Uint8Array, string])[] | undefined)[] = [];
for (const n of KNOWN_EVENTS) ((KNOWN_BYTES[n.length] ??= []) as (readonly [Uint8Array, string])[]).push([bytesOf(n), n]);

/** Known event names by first byte, with their bytes; the last one matched is tried first. */
const KNOWN_BY_FIRST: (readonly (readonly [Uint8Array, string])[] | undefined)[] = [];
for (const n of KNOWN_EVENTS) ((KNOWN_BY_FIRST[n.charCodeAt(0)] ??= []) as (readonly [Uint8Array, string])[]).push([bytesOf(n), n]);
let lastKnown: readonly [Uint8Array, string] = [new Uint8Array(0), ''];

/** The known event name at `b[start..]` if it is followed by ':' (within `n`), else undefined. */
function knownNameAt(b: Uint8Array, start: number, n: number): string | undefined {
  const last = lastKnown;
  const lb = last[0];
  if (lb.length > 0 && start + lb.length < n && b[start + lb.length] === 58 && sameU8(b, start, lb)) return last[1];
  const list = KNOWN_BY_FIRST[b[start] ?? 0];
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const e = list[k] as readonly [Uint8Array, string];
    const eb = e[0];
    if (start + eb.length < n && b[start + eb.length] === 58 && sameU8(b, start, eb)) {
      lastKnown = e;
      return e[1];
    }
  }
  return undefined;
}

function knownNameBytes(b: Uint8Array, start: number, end: number): string | undefined {
  const list = KNOWN_BYTES[end - start];
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as readonly [Uint8Array, string];
    if (sameU8(b, start, e[0])) return e[1];
  }
  return undefined;
}

function sameText(text: string, start: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (text.charCodeAt(start + k) !== s.charCodeAt(k)) return false;
  return true;
}

/** `SSSS.ffffff` between [start, end) as seconds; -1 if it is not that shape. */
function parseSeconds(text: string, start: number, end: number): number {
  let int = 0;
  let i = start;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    int = int * 10 + d;
  }
  if (i === start || i >= end || text.charCodeAt(i) !== 46 /* . */) return -1;
  let frac = 0;
  let scale = 1;
  for (i++; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    frac = frac * 10 + d;
    scale *= 10;
  }
  return scale === 1 ? -1 : int + frac / scale;
}

/** `parseSeconds` over bytes. */
function parseSecondsBytes(b: Uint8Array, start: number, end: number): number {
  let int = 0;
  let i = start;
  for (; i < end; i++) {
    const d = (b[i] ?? 0) - 48;
    if (d < 0 || d > 9) break;
    int = int * 10 + d;
  }
  if (i === start || i >= end || b[i] !== 46) return -1;
  let frac = 0;
  let scale = 1;
  for (i++; i < end; i++) {
    const d = (b[i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    frac = frac * 10 + d;
    scale *= 10;
  }
  return scale === 1 ? -1 : int + frac / scale;
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
    return this.parseRange(text, 0, text.length);
  }

  /**
   * Parses a chunk of whole lines (`\n`-separated; a final line without `\n` counts too) and
   * appends the events to `out`. Lines are never copied out of the chunk unless they are kept.
   * Malformed lines go to `onError` if given, else throw. Stops at `maxLines`.
   */
  parseChunk(text: string, out: FtraceEvent[], onError?: (e: FtraceParseError) => void): void {
    let s = 0;
    const n = text.length;
    // An empty chunk is one empty line (a blank line between two reads still counts in line numbers).
    if (n === 0 && this.lineNo < this.maxLines) this.lineNo++;
    while (s < n) {
      if (this.lineNo >= this.maxLines) return;
      let e = text.indexOf('\n', s);
      if (e < 0) e = n;
      const end = e > s && text.charCodeAt(e - 1) === 13 /* \r */ ? e - 1 : e;
      try {
        const ev = this.parseRange(text, s, end);
        if (ev !== null) out.push(ev);
      } catch (err) {
        if (!(err instanceof FtraceParseError) || onError === undefined) throw err;
        onError(err);
      }
      s = e + 1;
    }
  }

  /**
   * `parseChunk` over latin1 bytes (a file read without decoding it): the common line layout is
   * scanned in place and only the strings a line does not repeat are decoded; any other line is
   * decoded and goes through the string path, so both give the same events.
   */
  parseBytes(bytes: Buffer, out: FtraceEvent[], onError?: (e: FtraceParseError) => void): void {
    this.parseBytesEach(bytes, (ev) => out.push(ev === this.cur ? owned(ev) : ev), onError);
  }

  /**
   * `parseBytes` handing each event to `sink` as it is parsed. The event (and its `fields`) may be
   * a record the parser re-uses for the next line: the sink must not keep it (the checker copies
   * what it keeps), which is what makes the common line allocation-free.
   */
  parseBytesEach(bytes: Buffer, sink: (ev: FtraceEvent) => void, onError?: (e: FtraceParseError) => void): void {
    const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    let s = 0;
    const n = buf.length;
    if (n === 0 && this.lineNo < this.maxLines) this.lineNo++;
    while (s < n) {
      if (this.lineNo >= this.maxLines) return;
      // The kernel's own layout at its fixed columns: no search for the line end first (the
      // field scan finds it), no search for the CPU column.
      const next = this.fixedLine(buf, s, n);
      if (next >= 0) {
        s = next;
        if (this.took) sink(this.cur);
        continue;
      }
      let e = buf.indexOf(10, s);
      if (e < 0) e = n;
      const end = e > s && buf[e - 1] === 13 ? e - 1 : e;
      let ev: FtraceEvent | null = null;
      try {
        ev = end > s && buf[s] !== 35 && this.fastPrefixBytes(buf, s, end) ? this.fastEvent(buf, end) : this.parseRange(latin1(buf, s, end), 0, end - s);
      } catch (err) {
        if (!(err instanceof FtraceParseError) || onError === undefined) throw err;
        onError(err);
      }
      s = e + 1;
      if (ev !== null) sink(ev);
    }
  }

  /** The record `fixedLine` fills (re-used line after line); `took` says it holds this line's event. */
  private readonly cur: MutableEvent = { line: 0, task: '', pid: 0, cpu: 0, flags: '', ts: 0, name: '', fields: {} };
  private took = false;

  /**
   * A line of the kernel's `trace` layout, `%16s-%-7d [%03d] FLAGS TS: NAME: FIELDS` (a task
   * name is at most 15 bytes, TASK_COMM_LEN): the columns up to the flags are at fixed offsets.
   * Returns the start of the next line, or -1 when the line is anything else (nothing consumed;
   * the general scan then takes it). The event is the one `fastPrefixBytes` + `fastEvent` give:
   * a task without '[' cannot hide an earlier ` [N] ` column, and any other byte where the
   * layout has digits or spaces refuses the line.
   */
  private fixedLine(b: Uint8Array, s: number, n: number): number {
    this.took = false;
    if (s + 40 > n || b[s] === 35 || b[s + 16] !== 45 || b[s + 25] !== 91 || b[s + 29] !== 93 || b[s + 30] !== 32) return -1;
    const c0 = (b[s + 26] ?? 0) - 48;
    const c1 = (b[s + 27] ?? 0) - 48;
    const c2 = (b[s + 28] ?? 0) - 48;
    if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) return -1;
    const dash = s + 16;
    let bt = s;
    while (bt < dash && b[bt] === 32) bt++;
    let h = 0x811c9dc5;
    for (let k = bt; k < dash; k++) {
      const c = b[k] ?? 0;
      if (c === 91 || c === 10 || c === 13) return -1;
      h = Math.imul(h ^ c, 0x01000193);
    }
    let k = s + 17;
    let pid = 0;
    for (; k < s + 24; k++) {
      const d = (b[k] ?? 0) - 48;
      if (d < 0 || d > 9) break;
      pid = pid * 10 + d;
    }
    if (k === s + 17) return -1;
    for (; k <= s + 24; k++) if (b[k] !== 32) return -1;
    // After `] `: optional flags, then `TS:` (as in fastPrefixBytes, with a line end as a refusal).
    let i = s + 31;
    while (i < n && b[i] === 32) i++;
    let sp = i;
    for (; sp < n; sp++) {
      const ch = b[sp];
      if (ch === 32) break;
      if (ch === 10 || ch === 13) return -1;
    }
    if (sp >= n) return -1;
    let flagsStart = -1;
    let flagsEnd = -1;
    if (b[sp - 1] !== 58) {
      flagsStart = i;
      flagsEnd = sp;
      i = sp + 1;
      while (i < n && b[i] === 32) i++;
      sp = i;
      for (; sp < n; sp++) {
        const ch = b[sp];
        if (ch === 32) break;
        if (ch === 10 || ch === 13) return -1;
      }
      if (sp >= n || b[sp - 1] !== 58) return -1;
    }
    const ts = parseSecondsBytes(b, i, sp - 1);
    if (ts < 0) return -1;
    i = sp + 1;
    // A known name followed by ':' is matched in place (no scan for the colon first); any other
    // name is scanned to its colon, and is then not a known one.
    const known = knownNameAt(b, i, n);
    let colon = i;
    if (known !== undefined) colon = i + known.length;
    else {
      for (; colon < n; colon++) {
        const ch = b[colon];
        if (ch === 58) break;
        if (ch === 32 || ch === 10 || ch === 13) return -1;
      }
      if (colon <= i || colon >= n) return -1;
    }
    // From here the line is taken: count it.
    const lineNo = ++this.lineNo;
    this.eventLines++;
    let r = colon + 1;
    if (r < n && b[r] === 32) r++;
    if (known === undefined) {
      const name = interned.get(b, i, colon);
      this.skipped[name] = (this.skipped[name] ?? 0) + 1;
      const e = b.indexOf(10, r);
      return e < 0 ? n : e + 1;
    }
    const task = interned.hashed(h, b, bt, dash);
    const flags = flagsStart < 0 ? '' : interned.get(b, flagsStart, flagsEnd);
    let fields = fastFieldsBytes(b, r, n, known);
    let next: number;
    if (fields !== null) {
      next = lineNext;
    } else {
      let e = b.indexOf(10, r);
      if (e < 0) e = n;
      next = e + 1;
      fields = splitFieldsBytes(b, r, b[e - 1] === 13 ? e - 1 : e, known);
    }
    const ev = this.cur;
    ev.line = lineNo;
    ev.task = task;
    ev.pid = pid;
    ev.cpu = c0 * 100 + c1 * 10 + c2;
    ev.flags = flags;
    ev.ts = ts;
    ev.name = known;
    ev.fields = fields;
    this.took = true;
    return next;
  }


  /** The event of a line `fastPrefixBytes` accepted (its prefix is in `scratch`). */
  private fastEvent(buf: Uint8Array, end: number): FtraceEvent | null {
    const lineNo = ++this.lineNo;
    this.eventLines++;
    const sc = this.scratch;
    const name = sc.name;
    if (!KNOWN_EVENTS.has(name)) {
      this.skipped[name] = (this.skipped[name] ?? 0) + 1;
      return null;
    }
    return { line: lineNo, task: sc.task, pid: sc.pid, cpu: sc.cpu, flags: sc.flags, ts: sc.ts, name, fields: ownedFields(fastFieldsBytes(buf, sc.rest, end, name)) ?? splitFieldsBytes(buf, sc.rest, end, name) };
  }

  /** `fastPrefix` over bytes: the same layout and the same refusals. */
  private fastPrefixBytes(b: Uint8Array, start: number, end: number): boolean {
    let open = -1;
    let close = -1;
    let cpu = 0;
    for (let i = start + 1; i < end; i++) {
      if (b[i] !== 91 || b[i - 1] !== 32) continue;
      let j = i + 1;
      let n = 0;
      for (; j < end; j++) {
        const d = (b[j] ?? 0) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (j > i + 1 && b[j] === 93 && b[j + 1] === 32) {
        open = i - 1;
        close = j;
        cpu = n;
        break;
      }
    }
    if (open < 0) return false;
    let e = open;
    while (e > start && b[e - 1] === 32) e--;
    let pid = 0;
    let mul = 1;
    let dash = e - 1;
    for (; dash > start; dash--) {
      const d = (b[dash] ?? 0) - 48;
      if (d < 0 || d > 9) break;
      pid += d * mul;
      mul *= 10;
    }
    if (dash === e - 1 || b[dash] !== 45) return false;
    let bt = start;
    while (bt < dash && b[bt] === 32) bt++;
    let i = close + 2;
    while (i < end && b[i] === 32) i++;
    let sp = i;
    while (sp < end && b[sp] !== 32) sp++;
    if (sp >= end) return false;
    let flagsStart = -1;
    let flagsEnd = -1;
    if (b[sp - 1] !== 58) {
      flagsStart = i;
      flagsEnd = sp;
      i = sp + 1;
      while (i < end && b[i] === 32) i++;
      sp = i;
      while (sp < end && b[sp] !== 32) sp++;
      if (sp >= end || b[sp - 1] !== 58) return false;
    }
    const ts = parseSecondsBytes(b, i, sp - 1);
    if (ts < 0) return false;
    i = sp + 1;
    let colon = i;
    while (colon < end) {
      const ch = b[colon];
      if (ch === 58) break;
      if (ch === 32) return false;
      colon++;
    }
    if (colon <= i || colon >= end) return false;
    const name = knownNameBytes(b, i, colon) ?? interned.get(b, i, colon);
    let r = colon + 1;
    if (r < end && b[r] === 32) r++;
    const sc = this.scratch;
    sc.task = this.internBytes(0, b, bt, dash);
    sc.pid = pid;
    sc.cpu = cpu;
    sc.flags = flagsStart < 0 ? '' : this.internBytes(1, b, flagsStart, flagsEnd);
    sc.ts = ts;
    sc.name = name;
    sc.rest = r;
    return true;
  }

  private internBytes(slot: number, b: Uint8Array, start: number, end: number): string {
    const last = this.recentBytes[slot] as Uint8Array;
    if (last.length === end - start && sameU8(b, start, last)) return this.recent[slot] ?? '';
    const v = interned.get(b, start, end);
    this.recent[slot] = v;
    this.recentBytes[slot] = b.slice(start, end);
    return v;
  }

  /** Stop after this many lines (a test slice of a long trace). */
  maxLines = Infinity;

  get done(): boolean {
    return this.lineNo >= this.maxLines;
  }

  private parseRange(text: string, start: number, end: number): FtraceEvent | null {
    const lineNo = ++this.lineNo;
    if (end <= start) return null;
    if (text.charCodeAt(start) === 35 /* # */) {
      this.parseHeader(text.slice(start, end));
      return null;
    }
    const fast = this.fastPrefix(text, start, end);
    let task: string, pid: number, cpu: number, flags: string, ts: number, name: string, restStart: number;
    let src = text;
    if (fast) {
      const sc = this.scratch;
      task = sc.task;
      pid = sc.pid;
      cpu = sc.cpu;
      flags = sc.flags;
      ts = sc.ts;
      name = sc.name;
      restStart = sc.rest;
    } else {
      const line = text.slice(start, end);
      const m = PREFIX.exec(line);
      if (m === null) {
        if (line.trim().length === 0) return null;
        const lost = LOST.exec(line);
        if (lost !== null) {
          this.header.lostAnnotations++;
          this.lostLines.push({ line: lineNo, cpu: Number(lost[1]), lost: Number(lost[2]) });
          return null;
        }
        if (TRACE_CMD_HEADER.test(line)) return null;
        throw new FtraceParseError(lineNo, `not an ftrace event line: ${JSON.stringify(line.slice(0, 80))}`);
      }
      task = m[1] ?? '';
      pid = Number(m[2]);
      cpu = Number(m[3]);
      flags = m[4] ?? '';
      ts = Number(m[5]);
      name = m[6] ?? '';
      src = m[7] ?? '';
      restStart = 0;
      end = src.length;
    }
    this.eventLines++;
    if (!KNOWN_EVENTS.has(name)) {
      this.skipped[name] = (this.skipped[name] ?? 0) + 1;
      return null;
    }
    return { line: lineNo, task, pid, cpu, flags, ts, name, fields: splitFields(src, restStart, end, name) };
  }

  private readonly scratch = { task: '', pid: 0, cpu: 0, flags: '', ts: 0, name: '', rest: 0 };

  /**
   * Hand-written scan of the common layout `TASK-PID [CPU] FLAGS TS: EVENT: FIELDS` within
   * [start, end) (no regex backtracking over the task name). Returns false for anything unusual;
   * the caller then uses the general regex, which is slower but accepts every variant.
   */
  private fastPrefix(text: string, start: number, end: number): boolean {
    // Find ` [digits] `: the CPU column. Plain charCodeAt loops: the JIT inlines them, while each
    // indexOf is a call, and this runs once per line.
    let open = -1;
    let close = -1;
    let cpu = 0;
    for (let i = start + 1; i < end; i++) {
      if (text.charCodeAt(i) !== 91 /* [ */ || text.charCodeAt(i - 1) !== 32) continue;
      let j = i + 1;
      let n = 0;
      for (; j < end; j++) {
        const d = text.charCodeAt(j) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (j > i + 1 && text.charCodeAt(j) === 93 /* ] */ && text.charCodeAt(j + 1) === 32) {
        open = i - 1;
        close = j;
        cpu = n;
        break;
      }
    }
    if (open < 0) return false;
    // TASK-PID ends at the last non-space before ' ['; a `(TGID)` column would end in ')'.
    let e = open;
    while (e > start && text.charCodeAt(e - 1) === 32) e--;
    let pid = 0;
    let mul = 1;
    let dash = e - 1;
    for (; dash > start; dash--) {
      const d = text.charCodeAt(dash) - 48;
      if (d < 0 || d > 9) break;
      pid += d * mul;
      mul *= 10;
    }
    if (dash === e - 1 || text.charCodeAt(dash) !== 45 /* - */) return false;
    let b = start;
    while (b < dash && text.charCodeAt(b) === 32) b++;
    // After `] `: optional flags, then `TS:`.
    let i = close + 2;
    while (i < end && text.charCodeAt(i) === 32) i++;
    let sp = i;
    while (sp < end && text.charCodeAt(sp) !== 32) sp++;
    if (sp >= end) return false;
    let flagsStart = -1;
    let flagsEnd = -1;
    if (text.charCodeAt(sp - 1) !== 58 /* : */) {
      flagsStart = i;
      flagsEnd = sp;
      i = sp + 1;
      while (i < end && text.charCodeAt(i) === 32) i++;
      sp = i;
      while (sp < end && text.charCodeAt(sp) !== 32) sp++;
      if (sp >= end || text.charCodeAt(sp - 1) !== 58) return false;
    }
    const ts = parseSeconds(text, i, sp - 1);
    if (ts < 0) return false;
    i = sp + 1;
    let colon = i;
    while (colon < end) {
      const ch = text.charCodeAt(colon);
      if (ch === 58) break;
      if (ch === 32) return false;
      colon++;
    }
    if (colon <= i || colon >= end) return false;
    // Known names are returned as the interned constants: no slice, no hashing of a fresh string.
    const name = knownName(text, i, colon) ?? text.slice(i, colon);
    let r = colon + 1;
    if (r < end && text.charCodeAt(r) === 32) r++;
    const sc = this.scratch;
    sc.task = this.intern(0, text, b, dash);
    sc.pid = pid;
    sc.cpu = cpu;
    sc.flags = flagsStart < 0 ? '' : this.intern(1, text, flagsStart, flagsEnd);
    sc.ts = ts;
    sc.name = name;
    sc.rest = r;
    return true;
  }

  private readonly recent: string[] = ['', ''];
  private readonly recentBytes: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];

  /**
   * Re-uses the previous string of a slot when the text repeats it (task names and flags repeat
   * line after line), so the common case allocates nothing.
   */
  private intern(slot: number, text: string, start: number, end: number): string {
    const last = this.recent[slot] ?? '';
    if (last.length === end - start && sameText(text, start, last)) return last;
    const v = text.slice(start, end);
    this.recent[slot] = v;
    return v;
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

/** What a text source yields: chunks of whole lines (latin1 bytes or a string), or single lines. */
export type TraceTextItem = Buffer | string | readonly string[];

export interface ParseOptions {
  /** Count malformed lines as warnings instead of failing. */
  readonly lenient?: boolean;
  /** Called for each malformed line in lenient mode. */
  readonly onWarning?: (err: FtraceParseError) => void;
}

/**
 * Parses a stream of text into batches of events: a byte stream (`Readable`, e.g. `openTrace`),
 * or an iterable whose items are chunks of whole lines (strings, the fast path used for files) or
 * arrays of single lines. Batching keeps the
 * per-event cost of async iteration away from the hot path; `parseFtrace` flattens it.
 */
export async function* parseFtraceBatches(
  source: AsyncIterable<TraceTextItem> | Iterable<TraceTextItem> | Readable,
  parser: FtraceParser = new FtraceParser(),
  opts: ParseOptions = {},
): AsyncGenerator<FtraceEvent[]> {
  if (source instanceof Readable) source = textChunks(source);
  const onError = opts.lenient === true ? (e: FtraceParseError): void => opts.onWarning?.(e) : undefined;
  for await (const item of source) {
    const out: FtraceEvent[] = [];
    if (typeof item === 'string') {
      parser.parseChunk(item, out, onError);
    } else if (Buffer.isBuffer(item)) {
      parser.parseBytes(item, out, onError);
    } else {
      for (const line of item) {
        if (parser.done) break;
        parser.parseChunk(line, out, onError);
      }
    }
    if (out.length > 0) yield out;
    if (parser.done) return;
  }
}

/** Async generator of events from text chunks or line batches (see `open-trace.ts` for files). */
export async function* parseFtrace(
  source: AsyncIterable<TraceTextItem> | Iterable<TraceTextItem>,
  parser: FtraceParser = new FtraceParser(),
  opts: ParseOptions = {},
): AsyncGenerator<FtraceEvent> {
  for await (const batch of parseFtraceBatches(source, parser, opts)) yield* batch;
}
