import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceLog, TraceReader, traceFile } from '../../model/trace-log.js';

const dir = mkdtempSync(join(tmpdir(), 'smpcheck-trace-test-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('trace log', () => {
  it('reads back every (parent, event) record by index, across write blocks, 5 bytes each on disk', () => {
    const file = traceFile(dir, 3);
    const log = new TraceLog(file);
    const n = 200_000;
    for (let k = 0; k < n; k++) log.push(k === 0 ? -1 : (k * 7919) % 2 ** 31, k % 120);
    log.close();
    expect(log.length).toBe(n);
    expect(statSync(file).size).toBe(5 * n);
    const r = new TraceReader(file);
    for (const k of [0, 1, 65535, 65536, 131071, n - 1]) expect(r.get(k)).toEqual({ parent: k === 0 ? -1 : (k * 7919) % 2 ** 31, via: k % 120 });
    expect(() => r.get(n)).toThrow(/no record 200000/);
    r.close();
  });
});
