import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceVerdict } from '../../trace/verdict.js';
import { findRun, insertAt, realTraceLines, smpcheck, tempDir, writeTrace } from './fixtures.js';

describe('smpcheck trace check (child process)', () => {
  let dir = '';
  let good = '';
  let bad = '';
  let dupLines: number[] = [];

  beforeAll(async () => {
    dir = tempDir();
    const slice = (await realTraceLines()).slice(0, 5000);
    good = writeTrace(dir, 'slice.txt', slice);
    const run = findRun(slice, 1000, 1);
    bad = writeTrace(dir, 'dup.txt', insertAt(slice, run.exit + 1, [slice[run.entry] ?? '', slice[run.exit] ?? '']));
    dupLines = [run.entry + 1, run.exit + 2];
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--json: exit 0 and an accepting verdict with statistics and a timeline window', async () => {
    const r = await smpcheck(['trace', 'check', good, '--json', '--window', '6620.822:6620.823']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as TraceVerdict;
    expect(v.ok).toBe(true);
    expect(v.lines).toBe(5000);
    expect(v.stats.perFunction.map((f) => f.func)).toContain('flush_tlb_func');
    expect(v.timeline.length).toBeGreaterThan(0);
    expect(v.timeline.every((t) => Number(t.text.split(' ')[0]) >= 6620.822 && Number(t.text.split(' ')[0]) <= 6620.823)).toBe(true);
  });

  it('exit 1 with the invariant id and the offending lines for an edited trace', async () => {
    const r = await smpcheck(['trace', 'check', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`[lines ${dupLines.join(', ')}]`);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('smpcheck: End of run: FAILURE (INV-NO-DOUBLE-RUN)');
  });

  it('exit 2 with one line on stderr for a missing file, a malformed line and a bad --window', async () => {
    const missing = await smpcheck(['trace', 'check', join(dir, 'nope.txt')]);
    expect([missing.code, missing.stderr]).toEqual([2, `smpcheck: ${join(dir, 'nope.txt')}: no such file\n`]);
    const malformed = writeTrace(dir, 'malformed.txt', ['# tracer: nop', 'hello']);
    const m = await smpcheck(['trace', 'check', malformed]);
    expect([m.code, m.stderr]).toEqual([2, `smpcheck: ${malformed}:2: not an ftrace event line: "hello"\n`]);
    const w = await smpcheck(['trace', 'check', good, '--window', 'x:y']);
    expect(w.code).toBe(2);
    expect(w.stderr.split('\n')).toHaveLength(2);
    expect(w.stderr).toMatch(/^smpcheck: --window "x:y": expected FROM:TO/);
  });
});
