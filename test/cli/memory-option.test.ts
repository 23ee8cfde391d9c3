import { describe, expect, it } from 'vitest';
import { cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-memory-');

describe('smpcheck check --memory', () => {
  it('a barrier fault: caught under lkmm with a replay token that reproduces it, passes under sc', async () => {
    const lkmm = await runCli(['check', '--runs', '60', '--seed', '7', '--fault', 'csd-unlock-no-release', '--memory', 'lkmm', '--out', tmp()]);
    expect(lkmm.code, lkmm.stderr).toBe(1);
    expect(lkmm.stdout).toContain('INV-SYNC-AFTER-RUN violated');
    expect(lkmm.stdout).toContain('stale read: request');
    const token = /npx smpcheck replay (smpp1\.[A-Za-z0-9_-]+)/.exec(lkmm.stdout)?.[1];
    const again = await runCli(['replay', token ?? '']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toContain('INV-SYNC-AFTER-RUN violated');
    const sc = await runCli(['check', '--runs', '20', '--seed', '7', '--fault', 'csd-unlock-no-release', '--memory', 'sc', '--out', tmp()]);
    expect(sc.code, sc.stdout).toBe(0);
  });

  it('bad --memory, or a weak model on real threads: one line naming the input, exit 2', async () => {
    const a = await runCli(['check', '--memory', 'arm', '--out', tmp()]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toEqual(['smpcheck: --memory arm: must be one of sc, tso, lkmm']);
    const b = await runCli(['check', '--runtime', 'threads', '--memory', 'lkmm', '--out', tmp()]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toContain('--memory lkmm: needs --runtime deterministic');
  });
});
