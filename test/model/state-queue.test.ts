import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StateQueue } from '../../model/state-queue.js';
import { setupModel } from '../../model/explorer.js';
import { findWorkload } from '../../model/workload.js';
import type { ModelState } from '../../model/step.js';

/** Records like the explorer's: each one a small edit (bytes changed, inserted, removed) of the one before. */
const records = fc.array(
  fc.record({
    edits: fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'remove', 'fresh'), fc.nat(400), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    ref: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  }),
  { minLength: 1, maxLength: 300 },
).map((rs) => {
  let cur: number[] = Array.from({ length: 120 }, (_, k) => (k * 7) & 0xff);
  return rs.map(({ edits, ref }) => {
    cur = [...cur];
    for (const [kind, at, v] of edits) {
      const k = cur.length === 0 ? 0 : at % cur.length;
      if (kind === 'set') cur[k] = v;
      else if (kind === 'insert') cur.splice(k, 0, v);
      else if (kind === 'remove') cur.splice(k, 1);
      else cur = Array.from({ length: at % 300 }, (_, x) => (x * v) & 0xff);
    }
    return { bytes: Uint8Array.from(cur), ref };
  });
});

function drain(q: StateQueue): { bytes: number[]; ref: number }[] {
  const out: { bytes: number[]; ref: number }[] = [];
  while (q.shift()) out.push({ bytes: [...q.buf.subarray(q.off, q.off + q.len)], ref: q.ref });
  return out;
}
const plain = (rs: readonly { bytes: Uint8Array; ref: number }[]): { bytes: number[]; ref: number }[] => rs.map((r) => ({ bytes: [...r.bytes], ref: r.ref }));

describe('state queue', () => {
  it('gives records back in order across chunks and releases read chunks', () => {
    const q = new StateQueue();
    const rec = new Uint8Array(1000);
    for (let i = 0; i < 3000; i++) {
      for (let k = 0; k < 1000; k++) rec[k] = (i * 31 + k * 17) & 0xff; // no two alike: every byte literal
      q.push(rec, 1000, i);
    }
    expect(q.peakBytes).toBeGreaterThanOrEqual(3 * 2 ** 20);
    for (let i = 0; i < 3000; i++) {
      expect(q.shift()).toBe(true);
      expect([q.len, q.ref, q.buf[q.off], q.buf[q.off + 999]]).toEqual([1000, i, (i * 31) & 0xff, (i * 31 + 999 * 17) & 0xff]);
    }
    expect(q.shift()).toBe(false);
  });

  it('decodes every record as pushed, with shifts interleaved (any edits between records)', () => {
    fc.assert(fc.property(records, fc.array(fc.boolean(), { maxLength: 300 }), (rs, reads) => {
      const q = new StateQueue();
      const got: { bytes: number[]; ref: number }[] = [];
      rs.forEach((r, k) => {
        q.push(r.bytes, r.bytes.length, r.ref);
        if (reads[k] === true && q.shift()) got.push({ bytes: [...q.buf.subarray(q.off, q.off + q.len)], ref: q.ref });
      });
      got.push(...drain(q));
      expect(got).toEqual(plain(rs));
      expect(q.length).toBe(0);
    }), { numRuns: 200 });
  });

  it('take/append hand the records over (also after part of the queue was read), in order, then more pushes follow them', () => {
    fc.assert(fc.property(records, records, fc.nat(50), (a, b, read) => {
      const src = new StateQueue();
      for (const r of a) src.push(r.bytes, r.bytes.length, r.ref);
      const head: { bytes: number[]; ref: number }[] = [];
      for (let k = 0; k < read && src.shift(); k++) head.push({ bytes: [...src.buf.subarray(src.off, src.off + src.len)], ref: src.ref });
      const dst = new StateQueue();
      dst.push(Uint8Array.of(1, 2, 3), 3, 7);
      const moved = src.take();
      expect(moved.records).toBe(a.length - head.length);
      expect(src.length).toBe(0);
      dst.append(structuredClone(moved)); // as another thread receives it
      for (const r of b) dst.push(r.bytes, r.bytes.length, r.ref);
      expect([...head, ...drain(dst).slice(1)]).toEqual([...plain(a), ...plain(b)]);
    }), { numRuns: 100 });
  });

  it('stores the 4-CPU sizing frontier in under a third of its encoded bytes', () => {
    const m = setupModel(findWorkload('stress'), 4, undefined, 'fast');
    const q = new StateQueue();
    const seen = new Set<string>();
    const frontier: ModelState[] = [m.initial];
    let raw = 0, n = 0;
    for (let i = 0; i < frontier.length && n < 20000; i++) {
      for (const e of m.st.candidates(frontier[i] as ModelState)) {
        const s = m.step(frontier[i] as ModelState, e);
        m.codec.encode(s as never);
        const k = Buffer.from(m.codec.bytes()).toString('latin1');
        if (seen.has(k)) continue;
        seen.add(k);
        frontier.push(s);
        q.push(m.codec.buf, m.codec.length, n++);
        raw += m.codec.length;
      }
    }
    const stored = q.take().ends.reduce((x, y) => x + y, 0);
    expect(stored).toBeLessThan(raw / 3);
  });
});
