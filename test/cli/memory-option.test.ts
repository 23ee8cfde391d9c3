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

  it('check --workload FILE --memory lkmm: refinement under lkmm catches a missing release, the replay line keeps --memory; the correct code passes', async () => {
    const args = ['check', '--workload', 'examples/workloads/many-behind-async.ts', '--cpus', '3', '--runs', '60', '--memory', 'lkmm'];
    const bin = { entry: 'bin' } as const; // cli/bin.js: a .ts workload file is imported through tsx
    const bad = await runCli([...args, '--fault', 'csd-unlock-no-release', '--out', tmp()], bin);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/INV-REFINEMENT violated on workload many-behind-async .*returned 0 having observed its func's effect only from/);
    const replay = /replay: npx smpcheck (check --workload .*)/.exec(bad.stdout)?.[1] ?? '';
    expect(replay).toMatch(/ --memory lkmm$/);
    const again = await runCli([...replay.split(' '), '--out', tmp()], bin);
    expect(again.code, again.stderr).toBe(1);
    const ok = await runCli([...args, '--out', tmp()], bin);
    expect(ok.code, ok.stdout).toBe(0);
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
