import { describe, expect, it } from 'vitest';
import { cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-check-');

interface JsonOut { readonly invariants: readonly { readonly id: string; readonly status: string }[] }

describe('smpcheck check and replay', () => {
  it('check: every invariant ID and the refinement hold on the correct implementation (exit 0, --json)', async () => {
    const r = await runCli(['check', '--runs', '8', '--seed', '7', '--out', tmp(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    const ids = out.invariants.map((i) => i.id);
    expect(ids).toContain('INV-NO-LOST-CALL');
    expect(ids).toContain('INV-REFINEMENT');
    expect(out.invariants.every((i) => i.status === 'pass')).toBe(true);
  });

  it('check --fault: exit 1 with the INV- id, shrunk commands, a per-CPU timeline and a replay token that reproduces it', async () => {
    const r = await runCli(['check', '--runs', '30', '--fault', 'sync-unlock-before-func', '--out', tmp()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('INV-SYNC-AFTER-RUN violated');
    expect(r.stdout).toContain('shrunk commands:');
    expect(r.stdout).toMatch(/step │ cpu0/);
    const token = /npx smpcheck replay (smpp1\.[A-Za-z0-9_-]+)/.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    const again = await runCli(['replay', token ?? '']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('INV-SYNC-AFTER-RUN violated');
  });

  it('bad fault id and bad replay token: one line naming the input, exit 2', async () => {
    const a = await runCli(['check', '--fault', 'nope', '--out', tmp()]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toContain('--fault nope');
    const b = await runCli(['replay', 'garbage']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toContain('replay token');
  });
});
