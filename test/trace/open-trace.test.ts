import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraceFile } from '../../trace/check-file.js';
import { detectInput, TraceInputError } from '../../trace/open-trace.js';
import { ev, expectOneLineError, HEADER, REAL_TRACE, tempDir } from './fixtures.js';

const A = '00000000000000a1';
const TEXT = `${[...HEADER, ev.queue(0, 1, 1, 'f', A), ev.ipi(0, 1.000001, 1), ev.entry(1, 1.00001, 'f', A), ev.exit(1, 1.000011, 'f', A)].join('\n')}\n`;

describe('opening trace files (plain, gzip, xz by magic bytes)', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads plain, gzip and xz files to the same verdict, whatever their names', async () => {
    const plain = join(dir, 'a.trace');
    writeFileSync(plain, TEXT);
    const gz = join(dir, 'b.trace'); // no .gz suffix on purpose: detection is by content
    writeFileSync(gz, gzipSync(TEXT));
    const xz = join(dir, 'c.trace');
    const r = spawnSync('xz', ['-z', '-c'], { input: TEXT });
    expect(r.status).toBe(0);
    writeFileSync(xz, r.stdout);
    expect([await detectInput(plain), await detectInput(gz), await detectInput(xz)]).toEqual(['none', 'gzip', 'xz']);
    const verdicts = await Promise.all([plain, gz, xz].map((f) => checkTraceFile(f)));
    expect(verdicts.map((v) => [v.ok, v.events, v.lines])).toEqual([
      [true, 4, 10],
      [true, 4, 10],
      [true, 4, 10],
    ]);
  });

  it('a missing xz binary is a one-line error naming the file', async () => {
    const xz = join(dir, 'd.xz');
    writeFileSync(xz, spawnSync('xz', ['-z', '-c'], { input: TEXT }).stdout);
    const err: unknown = await checkTraceFile(xz, { xzBinary: '/nonexistent/xz' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceInputError);
    expect((err as Error).message).toBe(`${xz}: xz-compressed, but the \`/nonexistent/xz\` binary was not found (install xz-utils)`);
  });

  it('corrupt compressed data, a missing file and a directory are one-line errors naming the file', async () => {
    const badGz = join(dir, 'bad.gz');
    writeFileSync(badGz, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 7)]));
    const badXz = join(dir, 'bad.xz');
    writeFileSync(badXz, Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64, 7)]));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    for (const [file, pattern] of [
      [badGz, /: (gzip data is corrupt|read failed)/],
      [badXz, /: xz failed \(exit 1\)/],
      [join(dir, 'missing.txt'), /: no such file$/],
      [sub, /: (is a directory|read failed)/],
    ] as const) {
      await expectOneLineError(file, pattern);
    }
  });

  it('a broken trace-cmd trace.dat and other binary input are one-line errors naming the file (never binary garbage)', async () => {
    const dat = join(dir, 'trace.dat');
    writeFileSync(dat, Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing7\0', 'latin1'), Buffer.alloc(64, 0xff)]));
    const v9 = join(dir, 'v9.dat');
    writeFileSync(v9, Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing9\0', 'latin1'), Buffer.alloc(64, 0)]));
    const bin = join(dir, 'data.bin');
    writeFileSync(bin, Buffer.concat([Buffer.from('# tracer: nop\n'), Buffer.from([0, 0xfe, 0x01, 0x9c])]));
    for (const [file, pattern] of [
      [dat, /: corrupt trace\.dat: page size /],
      [v9, /: trace-cmd trace\.dat version "9" is not supported \(6 and 7 are\)$/],
      [bin, /: binary file \(NUL bytes\), not ftrace text, a trace-cmd trace\.dat, gzip or xz$/],
    ] as const) {
      const msg = await expectOneLineError(file, pattern);
      expect(/^[ -~]*$/.test(msg)).toBe(true); // printable ASCII only
    }
  });

  it('stops early on a slice of the xz trace without leaving xz errors behind', async () => {
    const v = await checkTraceFile(REAL_TRACE, { maxLines: 1000 });
    expect(v.lines).toBe(1000);
    expect(v.ok).toBe(true);
  });
});
