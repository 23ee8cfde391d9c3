import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeBundles, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'smpcheck-export-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeBundles();
});

describe('smpcheck trace export', () => {
  it('exports ftrace text that `trace check` accepts, the same for the same seed', async () => {
    const file = join(dir, 'run.txt');
    const a = await runCli(['trace', 'export', '--seed', '5', '--output', file]);
    expect(a.code, a.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# tracer: nop/);
    expect(text).toContain('csd_queue_cpu: cpu=');
    const b = await runCli(['trace', 'export', '--seed', '5']);
    expect(b.stdout).toBe(text);
    const c = await runCli(['trace', 'check', file, '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('exports Chrome/Perfetto JSON with one named track per CPU', async () => {
    const r = await runCli(['trace', 'export', '--seed', '5', '--format', 'perfetto', '--cpus', '2']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { traceEvents: { name: string; ph: string; args?: { name?: string } }[] };
    const tracks = json.traceEvents.filter((e) => e.ph === 'M').map((e) => e.args?.name).sort();
    expect(tracks).toEqual(['cpu0', 'cpu1']);
    expect(json.traceEvents.some((e) => e.name === 'csd_queue_cpu')).toBe(true);
  });

  it('an unwritable --output is one line naming it, exit 2', async () => {
    const r = await runCli(['trace', 'export', '--output', '/etc/passwd/x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--output /etc/passwd/x');
  });
});
