import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTempDirs, runCli } from '../support/cli.js';

// The stress command starts worker threads from their .ts sources, so it runs through cli/bin.js
// (tsx) rather than the test bundle, whose folder has no cpu-worker beside it.
const tmp = cliTempDirs('smpcheck-stress-');

interface StressJson {
  verdict: string;
  requests: number;
  hotplug: { down: number; up: number };
  primitives: { key: string; issued: number; ran: number; enxio: number; latency: { count: number; p50Us: number; maxUs: number } }[];
  totals: Record<string, number>;
  failure: { invariant: string; traceFile: string } | null;
  debugReports: { kind: string; text: string }[];
}

describe('smpcheck stress', () => {
  it('a short stress with hotplug churn: every primitive issued, all failure counts 0, End of test: SUCCESS', async () => {
    const out = tmp();
    const r = await runCli(['stress', '--cpus', '3', '--duration', '2', '--churn', '20', '--seed', '5', '--out', out], { entry: 'bin' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('stress: mix  21.053% smp_call_function_single(wait)'); // scf_sel_dump
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('smpcheck stress: End of test: SUCCESS');
    const j = JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8')) as StressJson;
    expect(j.verdict).toBe('SUCCESS');
    expect(j.primitives).toHaveLength(13);
    for (const p of j.primitives) {
      expect(p.issued, p.key).toBeGreaterThan(0);
      expect(p.latency.count, p.key).toBeGreaterThan(0);
      expect(p.latency.maxUs, p.key).toBeGreaterThanOrEqual(p.latency.p50Us);
    }
    expect(j.primitives.reduce((a, p) => a + p.ran, 0)).toBeGreaterThan(0);
    expect(j.hotplug.down).toBeGreaterThan(0);
    expect(Object.values(j.totals).every((v) => v === 0), JSON.stringify(j.totals)).toBe(true);
    expect(j.failure).toBeNull();
    expect(readFileSync(join(out, 'stress.md'), 'utf8')).toContain('**End of test: SUCCESS**');
  }, 90_000);

  it('a lost IPI (fault no-ipi-on-empty-edge) is caught by lock-wait debug: exit 1, report, trace window, FAILURE', async () => {
    const out = tmp();
    const r = await runCli(['stress', '--cpus', '3', '--duration', '20', '--fault', 'no-ipi-on-empty-edge', '--csd-lock-timeout', '100', '--out', out], { entry: 'bin' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/csd: Detected non-responsive CSD lock \(#1\) on CPU#\d/);
    expect(r.stdout).toContain('first failure (round 1): INV-NO-DEADLOCK');
    expect(r.stdout).toContain('smpcheck stress: End of test: FAILURE');
    expect(r.stderr).toContain('smpcheck: stress failed: INV-NO-DEADLOCK');
    const j = JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8')) as StressJson;
    expect(j.verdict).toBe('FAILURE');
    expect(j.totals.csdLockStalls).toBeGreaterThan(0);
    expect(j.debugReports.some((d) => d.kind === 'detected')).toBe(true);
    const trace = join(out, 'stress-failure-trace.txt');
    expect(j.failure?.traceFile).toBe(trace);
    expect(existsSync(trace)).toBe(true);
    const text = readFileSync(trace, 'utf8');
    expect(text.startsWith('# tracer: nop')).toBe(true);
    expect(text).toMatch(/csd_queue_cpu: cpu=\d/);
  }, 90_000);

  it.each([
    [['--mix', 'single=x'], "smpcheck: --mix single=x: 'single=x' is not key=weight (integer weight)"],
    [['--fault', 'nope'], 'smpcheck: --fault nope: unknown fault'],
    [['--duration', '0'], 'smpcheck: --duration 0: must be above 0 seconds'],
    [['--csd-lock-timeout', '5'], 'smpcheck: --csd-lock-timeout 5: must be at least 10 ms'],
    [['--cpus', '99'], 'smpcheck: --cpus 99: must be an integer from 2 to 8'],
  ])('bad option %j: exit 2 with one line naming it', async (args, line) => {
    const r = await runCli(['stress', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(line);
  }, 30_000);
});
