import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../report/atomic-write.js';

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-aw-'));
    const f = join(dir, 'coverage.json');
    await writeFile(f, 'old');
    await writeFileAtomic(f, 'new');
    expect(await readFile(f, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['coverage.json']);
  });
  it('creates missing folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-aw-'));
    await writeFileAtomic(join(dir, 'a', 'b', 'x.md'), 'x');
    expect(await readFile(join(dir, 'a', 'b', 'x.md'), 'utf8')).toBe('x');
  });
  it('fails (and writes nothing) when the parent is a regular file', async () => {
    await expect(writeFileAtomic('/etc/passwd/x/report.json', '{}')).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
