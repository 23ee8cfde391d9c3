/**
 * A schedule is data and fits on one line:
 *
 *   smp1:<cpus>:<fault mask, hex>:<base64url steps>
 *
 * Steps are actor ids (0..cpus-1: run that CPU one step; cpus..2*cpus-1: deliver the pending IPI
 * to CPU id-cpus), run-length encoded as byte pairs (actor, repeat-1). Replaying the steps on a
 * system with the same configuration and the same calls gives the identical trace.
 */
export interface DecodedSchedule {
  readonly cpus: number;
  readonly faults: number;
  readonly steps: Uint8Array;
}

export function encodeSchedule(cpus: number, faults: number, steps: Uint8Array, len: number): string {
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
  return `smp1:${cpus}:${faults.toString(16)}:${Buffer.from(out.buffer, 0, o).toString('base64url')}`;
}

export function decodeSchedule(s: string): DecodedSchedule {
  const parts = s.trim().split(':');
  const [tag, cpusS, faultsS, body] = parts;
  if (parts.length !== 4 || tag !== 'smp1' || cpusS === undefined || faultsS === undefined || body === undefined) {
    throw new SyntaxError(`schedule: '${s.slice(0, 40)}' is not of the form smp1:<cpus>:<faults>:<steps>`);
  }
  const cpus = Number(cpusS);
  const faults = parseInt(faultsS, 16);
  if (!Number.isInteger(cpus) || cpus < 1 || Number.isNaN(faults)) throw new SyntaxError(`schedule: bad header '${tag}:${cpusS}:${faultsS}'`);
  const rle = Buffer.from(body, 'base64url');
  if (rle.length % 2 !== 0) throw new SyntaxError('schedule: truncated step list');
  let n = 0;
  for (let i = 1; i < rle.length; i += 2) n += (rle[i] ?? 0) + 1;
  const steps = new Uint8Array(n);
  let k = 0;
  for (let i = 0; i < rle.length; i += 2) {
    const a = rle[i] ?? 0;
    if (a >= 2 * cpus) throw new SyntaxError(`schedule: actor ${a} out of range for ${cpus} cpus`);
    steps.fill(a, k, k + (rle[i + 1] ?? 0) + 1);
    k += (rle[i + 1] ?? 0) + 1;
  }
  return { cpus, faults, steps };
}
