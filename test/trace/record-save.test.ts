import { Readable, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { saveTrace } from '../../trace/record/save.js';

/** A source of `n` chunks, each some whole lines plus the start of the next line. */
function source(n: number, onChunk: (k: number) => void): Readable {
  return Readable.from((function* () {
    for (let k = 0; k < n; k++) {
      onChunk(k);
      yield Buffer.from(`line ${k}a\nline ${k}b\nline ${k}c-start `);
    }
    yield Buffer.from('end\n');
  })());
}

async function collect(dst: PassThrough): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of dst as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts).toString('latin1');
}

describe('trace record: saving the trace file', () => {
  it('copies everything when not aborted', async () => {
    const dst = new PassThrough();
    const text = collect(dst);
    const r = await saveTrace(source(5, () => undefined), dst, { signal: new AbortController().signal, graceMs: 0 });
    const out = await text;
    expect(r.truncated).toBe(false);
    expect(out.endsWith('line 4c-start end\n')).toBe(true);
    expect(r.bytes).toBe(out.length);
    expect(r.lines).toBe(5 * 2 + 1);
    expect(r.head.startsWith('line 0a\n')).toBe(true);
  });

  it('after an abort stops once the grace time is over, at the last whole line', async () => {
    const ctl = new AbortController();
    let clock = 0;
    const dst = new PassThrough();
    const text = collect(dst);
    // the abort comes at clock 200 (while chunk 3 is produced), so the cut is due at 450: chunk 5
    const src = source(1000, (k) => {
      if (k === 3) ctl.abort();
      clock = k * 100;
    });
    const r = await saveTrace(src, dst, { signal: ctl.signal, graceMs: 250, now: () => clock });
    const out = await text;
    expect(r.truncated).toBe(true);
    expect(out.endsWith('line 4c-start line 5a\nline 5b\n')).toBe(true);
    expect(r.lines).toBe(out.split('\n').length - 1);
    expect(out.split('\n').every((l, i, all) => i === all.length - 1 ? l === '' : /^line \d+[ab]$|^line \d+c-start line \d+a$/.test(l))).toBe(true);
    expect(src.destroyed).toBe(true);
  });

  it('an abort before saving starts still saves for the grace time, then cuts', async () => {
    const ctl = new AbortController();
    ctl.abort();
    let clock = 0;
    const dst = new PassThrough();
    const text = collect(dst);
    const r = await saveTrace(source(1000, (k) => { clock = k; }), dst, { signal: ctl.signal, graceMs: 2, now: () => clock });
    const out = await text;
    expect(r.truncated).toBe(true);
    expect(out.endsWith('line 2a\nline 2b\n')).toBe(true);
  });
});
