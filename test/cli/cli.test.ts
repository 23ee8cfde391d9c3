/**
 * The real `smpcheck` CLI as a child process (`node cli/bin.js` for --help, the esbuild bundle of
 * the same sources for the rest; see test/support/cli.ts): help, exit codes, --json, bad options
 * and bad folders. Run commands are exercised through the demo command
 * (test/support/demo-cli.ts), which uses the same program and `defineRunCommand`.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../report/write-reports.js';
import { removeBundles, runCli } from '../support/cli.js';
import { reportInput } from '../support/fixtures.js';

let okDir = '';
let failDir = '';

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'smpcheck-cli-'));
  okDir = join(base, 'ok');
  failDir = join(base, 'fail');
  await writeReports(okDir, reportInput());
  await writeReports(failDir, reportInput({ fail: true }));
});

afterAll(removeBundles);

// Concurrent: every test is its own child process with its own folders.
describe.concurrent('smpcheck CLI', () => {
  it('--help lists every command with a one-line description', async () => {
    const r = await runCli(['--help'], { entry: 'bin' }); // the installed entry, through tsx
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/coverage \[options\] \[dir\]\s+re-render the coverage tables/);
    expect(r.stdout).toMatch(/merge \[options\] <dirs\.\.\.>\s+merge the JSON results/);
  });

  it('exit 0: coverage re-renders a passing report into --out', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'smpcheck-cli-')), 'rendered');
    const r = await runCli(['coverage', okDir, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('csd: states 5/6 (83.3%)');
    expect(await readFile(join(out, 'coverage.md'), 'utf8')).toContain('| csd | 5/6 |');
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('<svg');
  });

  it('exit 1: a violated invariant prints the counterexample and its replay line', async () => {
    const r = await runCli(['coverage', failDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INV-NO-LOST-CALL violated after 3 steps');
    expect(r.stdout).toContain("replay: npx smpcheck replay 'smp1:2cpu-1req-1hp:91:AQID'");
    expect(r.stderr.trim()).toMatch(/^smpcheck: 1 counterexample\(s\); reports in /);
  });

  it('--json: stdout is exactly one JSON document, also on exit 1', async () => {
    const r = await runCli(['coverage', failDir, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; counterexamples: { invariant: string }[]; coverage: { machine: string; states: { covered: number } }[] };
    expect(j.ok).toBe(false);
    expect(j.counterexamples[0]?.invariant).toBe('INV-NO-LOST-CALL');
    expect(j.coverage.map((c) => c.machine)).toEqual(['csd', 'hotplug']);
    expect(j.coverage[0]?.states.covered).toBe(5);
  });

  it('exit 2: unknown option, one line, no stack', async () => {
    const r = await runCli(['coverage', okDir, '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("smpcheck: unknown option '--frobnicate'");
  });

  it('exit 2: unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^smpcheck: unknown command 'frobnicate'/);
  });

  it('exit 2: a missing input folder names the file', async () => {
    const r = await runCli(['coverage', '/nonexistent/reports']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('smpcheck: /nonexistent/reports/coverage.json: no such file');
  });

  it('exit 2: a malformed coverage.json names file and path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-cli-'));
    await writeFile(join(dir, 'coverage.json'), '{"schema":"smpcheck.coverage/1","sources":[],"components":[{"machine":3}]}');
    await writeFile(join(dir, 'results.json'), await readFile(join(okDir, 'results.json')));
    const r = await runCli(['coverage', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`smpcheck: ${join(dir, 'coverage.json')}: $.components[0].machine must be a string`);
  });

  it('exit 2: an unwritable --out (parent is a regular file), before any work', async () => {
    const r = await runCli(['merge', okDir, '--out', '/etc/passwd/x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('smpcheck: --out /etc/passwd/x: cannot create the folder (a parent is not a folder)');
    expect(r.stdout).toBe('');
  });

  it('exit 2: --out given without a folder', async () => {
    const r = await runCli(['merge', okDir, '--out']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("smpcheck: option '--out <dir>' argument missing");
  });

  it('SMPCHECK_DEBUG=1 adds the stack', async () => {
    const r = await runCli(['coverage', '/nonexistent/reports'], { env: { SMPCHECK_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('merge combines shards: visits add up, the failure survives, exit 1', async () => {
    const out = await mkdtemp(join(tmpdir(), 'smpcheck-merge-'));
    const r = await runCli(['merge', okDir, failDir, '--out', out, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { runs: { runs: number }; invariants: { id: string; status: string; checks: number }[] };
    expect(j.runs.runs).toBe(200);
    expect(j.invariants.find((i) => i.id === 'INV-NO-LOST-CALL')).toMatchObject({ status: 'fail', checks: 2400 });
    const cov = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8')) as { components: { states: { items: { id: string; visits: number }[] } }[] };
    const one = reportInput().coverage.components[0]?.states.items[1]?.visits ?? -1;
    expect(cov.components[0]?.states.items[1]?.visits).toBe(2 * one);
  });
});
