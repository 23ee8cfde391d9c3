import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../cli/errors.js';
import { MAX_CPUS, parseCpus, parseRuns, parseRuntime, parseSeed, prepareOutDir } from '../../cli/options.js';

describe('options', () => {
  it('parses the common options', () => {
    expect(parseCpus('3')).toBe(3);
    expect(parseSeed('4294967295')).toBe(4294967295);
    expect(parseRuns('1')).toBe(1);
    expect(parseRuntime('threads')).toBe('threads');
  });
  it('rejects bad values with a one-line message naming the option and value', () => {
    expect(() => parseCpus('99')).toThrow(`--cpus 99: must be an integer from 2 to ${MAX_CPUS}`);
    expect(() => parseCpus('1')).toThrow(UsageError);
    expect(() => parseSeed('abc')).toThrow('--seed abc: must be an integer');
    expect(() => parseSeed('-1')).toThrow(UsageError);
    expect(() => parseSeed('1.5')).toThrow(UsageError);
    expect(() => parseRuns('0')).toThrow('--runs 0:');
    expect(() => parseRuntime('gpu')).toThrow('--runtime gpu: must be one of deterministic, threads');
  });
  it('prepareOutDir creates the folder, and refuses a path under a regular file', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'smpcheck-out-')), 'a', 'b');
    expect(await prepareOutDir(dir)).toBe(dir);
    await expect(prepareOutDir('/etc/passwd/x')).rejects.toThrow(InputError);
    await expect(prepareOutDir('/etc/passwd/x')).rejects.toThrow('--out /etc/passwd/x: cannot create the folder (a parent is not a folder)');
    await expect(prepareOutDir('/etc/passwd')).rejects.toThrow('--out /etc/passwd: cannot create the folder (it exists and is not a folder)');
  });
});
