/**
 * A schedule is data and fits on one line:
 *
 *   smp2:<cpus>:<variant id>:<base64url steps>
 *
 * Steps are actor ids (0..cpus-1: run that CPU one step; cpus..2*cpus-1: deliver the pending IPI
 * to CPU id-cpus), run-length encoded as byte pairs (actor, repeat-1). The variant id is `smp.c`
 * for the protocol itself. Replaying the steps on a system with the same configuration, the same
 * variant and the same calls gives the identical trace. `smp1:<cpus>:<fault mask hex>:…` (before
 * variants) still decodes: mask 0 is `smp.c`, any other mask names no variant of today.
 *
 * Under a weak memory model (`--memory tso|lkmm`) the header names it and the step list carries,
 * right after each actor, the memory decisions its step asked for (which store a load read, which
 * buffered store drained), in the order asked; drains when nothing can run come before the next
 * actor:
 *
 *   smp3:<cpus>:<variant id>:<memory>:<base64url steps and choices>
 */
import { isMemoryModel, type MemoryModel } from '../memory-models/runtime-memory.js';

export interface DecodedSchedule {
  readonly cpus: number;
  readonly variant: string;
  readonly memory: MemoryModel;
  /** actors, interleaved with memory choices under tso/lkmm */
  readonly steps: Uint8Array;
}

/** The variant id of the unmodified protocol. */
export const NO_VARIANT = 'smp.c';

export function encodeSchedule(cpus: number, variant: string, steps: Uint8Array, len: number, memory: MemoryModel = 'sc'): string {
  const out = new Uint8Array(2 * len);
  let o = 0;
  let i = 0;
  while (i < len) {
    const a = steps[i] ?? 0;
    let r = 1;
    while (r < 256 && i + r < len && steps[i + r] === a) r++;
    out[o++] = a;
    out[o++] = r - 1;
    i += r;
  }
  const body = Buffer.from(out.buffer, 0, o).toString('base64url');
  return memory === 'sc' ? `smp2:${cpus}:${variant}:${body}` : `smp3:${cpus}:${variant}:${memory}:${body}`;
}

export function decodeSchedule(s: string): DecodedSchedule {
  const parts = s.trim().split(':');
  let memory: MemoryModel = 'sc';
  if (parts[0] === 'smp3' && parts.length === 5) {
    const m = parts.splice(3, 1)[0];
    if (!isMemoryModel(m) || m === 'sc') throw new SyntaxError(`schedule: memory model '${m ?? ''}' is not tso or lkmm`);
    memory = m;
    parts[0] = 'smp2';
  }
  const [tag, cpusS, variantS, body] = parts;
  if (parts.length !== 4 || (tag !== 'smp2' && tag !== 'smp1') || cpusS === undefined || variantS === undefined || body === undefined) {
    throw new SyntaxError(`schedule: '${s.slice(0, 40)}' is not of the form smp2:<cpus>:<variant>:<steps> (or smp3:<cpus>:<variant>:<memory>:<steps>)`);
  }
  const cpus = Number(cpusS);
  let variant = variantS;
  if (tag === 'smp1') {
    const mask = parseInt(variantS, 16);
    if (Number.isNaN(mask)) throw new SyntaxError(`schedule: bad header '${tag}:${cpusS}:${variantS}'`);
    variant = mask === 0 ? NO_VARIANT : `fault-mask-${variantS}`;
  }
  if (!Number.isInteger(cpus) || cpus < 1 || !/^[A-Za-z0-9._-]+$/.test(variant)) throw new SyntaxError(`schedule: bad header '${tag}:${cpusS}:${variantS}'`);
  const rle = Buffer.from(body, 'base64url');
  if (rle.length % 2 !== 0) throw new SyntaxError('schedule: truncated step list');
  let n = 0;
  for (let i = 1; i < rle.length; i += 2) n += (rle[i] ?? 0) + 1;
  const steps = new Uint8Array(n);
  let k = 0;
  for (let i = 0; i < rle.length; i += 2) {
    const a = rle[i] ?? 0;
    if (memory === 'sc' && a >= 2 * cpus) throw new SyntaxError(`schedule: actor ${a} out of range for ${cpus} cpus`);
    steps.fill(a, k, k + (rle[i + 1] ?? 0) + 1);
    k += (rle[i + 1] ?? 0) + 1;
  }
  return { cpus, variant, memory, steps };
}
