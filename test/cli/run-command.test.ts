/**
 * The run pipeline every run command shares (`defineRunCommand`), through the demo command in
 * test/support/demo-cli.ts: option validation, exit codes, --json, sharding + merge, Ctrl-C.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeBundles, runCli } from '../support/cli.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'smpcheck-run-'));

interface Json {
  ok: boolean;
  runs: { runs: number; shards: string[]; seed: number; interrupted: boolean };
  coverage: { machine: string; states: { covered: number; total: number } }[];
  counterexamples: { replay: string }[];
}

afterAll(removeBundles);

// Concurrent: every test is its own child process with its own folders.
describe.concurrent('run commands (defineRunCommand)', () => {
  it.each([
    [['--cpus', '99'], 'smpcheck: --cpus 99: must be an integer from 2 to 8'],
    [['--seed', 'abc'], 'smpcheck: --seed abc: must be an integer from 0 to 4294967295'],
    [['--shard', '3/2'], 'smpcheck: --shard 3/2: i must be between 1 and 2'],
    [['--runs', '0'], 'smpcheck: --runs 0: must be an integer from 1 to 10000000'],
    [['--runtime', 'gpu'], "smpcheck: option '--runtime <name>' argument 'gpu' is invalid. Allowed choices are deterministic, threads."],
  ])('exit 2 for %j with one line naming the option', async (args, line) => {
    const r = await runCli(['demo', ...args, '--out', await tmp()], { entry: 'demo' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(line);
    expect(r.stdout).toBe('');
  });

  it('exit 2 for a bad option of a nested command (like `trace check`)', async () => {
    const r = await runCli(['nested', 'probe', '--bogus'], { entry: 'demo' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("smpcheck: unknown option '--bogus'");
  });

  it('exit 0 and --json: one JSON document on stdout, nothing on stderr', async () => {
    const out = await tmp();
    const r = await runCli(['demo', '--runs', '30', '--seed', '5', '--out', out, '--json'], { entry: 'demo' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as Json;
    expect(j.ok).toBe(true);
    expect(j.runs).toMatchObject({ runs: 30, seed: 5, shards: [], interrupted: false });
    const cov = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8')) as { components: { machine: string; states: { covered: number } }[] };
    expect(cov.components.map((c) => [c.machine, c.states.covered])).toEqual(j.coverage.map((c) => [c.machine, c.states.covered]));
  });

  it('exit 1 when the invariant is violated; the counterexample is in stdout and reports', async () => {
    const out = await tmp();
    const r = await runCli(['demo', '--runs', '40', '--bug', '--out', out], { entry: 'demo' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INV-NO-DOUBLE-RUN violated after 3 steps/);
    expect(r.stdout).toMatch(/replay: npx smpcheck demo --seed 42 --runs 40 --bug # run \d+/);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('data-invariant="INV-NO-DOUBLE-RUN" data-status="fail"');
  });

  it('shards 1/3..3/3 merged equal the unsharded run (coverage, counterexamples)', async () => {
    const whole = await tmp();
    const full = JSON.parse((await runCli(['demo', '--runs', '60', '--bug', '--out', whole, '--json'], { entry: 'demo' })).stdout) as Json;
    const dirs: string[] = [];
    for (const i of [1, 2, 3]) {
      const d = await tmp();
      dirs.push(d);
      const r = await runCli(['demo', '--runs', '60', '--bug', '--shard', `${i}/3`, '--out', d, '--json'], { entry: 'demo' });
      expect((JSON.parse(r.stdout) as Json).runs.shards).toEqual([`${i}/3`]);
    }
    const merged = await tmp();
    const r = await runCli(['merge', ...dirs, '--out', merged, '--json']);
    expect(r.code).toBe(1);
    const m = JSON.parse(r.stdout) as Json;
    expect(m.runs.runs).toBe(60);
    expect(m.runs.shards).toEqual(['1/3', '2/3', '3/3']);
    expect(m.counterexamples.map((c) => c.replay).sort()).toEqual(full.counterexamples.map((c) => c.replay).sort());
    const visits = async (d: string) => {
      const c = JSON.parse(await readFile(join(d, 'coverage.json'), 'utf8')) as { components: { states: { items: { id: string; visits: number }[] } }[] };
      return c.components.map((k) => k.states.items);
    };
    expect(await visits(merged)).toEqual(await visits(whole));
  });

  it('CI=true: no progress output even on a run longer than a second', async () => {
    const r = await runCli(['demo', '--runs', '80', '--slow', '--out', await tmp()], { entry: 'demo', env: { CI: 'true' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('invariants: 1 hold, 0 violated');
  });

  it('Ctrl-C stops cleanly: partial reports written, marked interrupted, exit 130', async () => {
    const out = await tmp();
    let sent = false;
    const r = await runCli(['demo', '--runs', '300', '--slow', '--out', out], {
      entry: 'demo',
      onStderr: (chunk, child) => {
        // First progress line (after 1 s) proves the run is under way.
        if (!sent && chunk.includes('demo: ')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('smpcheck: interrupted, writing partial results');
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { runs: { runs: number; interrupted: boolean } };
    expect(results.runs.interrupted).toBe(true);
    expect(results.runs.runs).toBeGreaterThan(0);
    expect(results.runs.runs).toBeLessThan(300);
  });
});
