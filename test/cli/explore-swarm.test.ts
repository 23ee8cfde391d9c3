import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../cli/commands/explore.js';
import { cliTempDirs, ROOT, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-swarm-');

/** The `smpcheck …` command lines of an example file, without `npx smpcheck`. */
function commands(file: string): string[] {
  const text = readFileSync(join(ROOT, 'examples/swarm', file), 'utf8');
  return text.split('\n').filter((l) => /npx smpcheck (explore|merge)/.test(l)).map((l) => l.replace(/^.*npx smpcheck /, '').trim());
}

interface ModelJson {
  rows: Record<string, unknown>[];
  invariants: unknown;
  violations: unknown;
  coverage: unknown;
}
/** model.json without what depends on time and on the process (elapsed, rates, frontier peaks). */
function stable(dir: string): unknown {
  const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const rows = m.rows.map((r) => {
    const row: Record<string, unknown> = { ...r };
    const mem: Record<string, unknown> = { ...(row.memory as Record<string, unknown>) };
    delete row.elapsedMs;
    delete row.statesPerSecond;
    delete mem.queuePeakBytes;
    return { ...row, memory: mem };
  });
  return { rows, invariants: m.invariants, violations: m.violations, coverage: m.coverage };
}
const results = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { invariants: unknown }).invariants;

async function single(): Promise<string> {
  const out = tmp();
  const r = await runCli(['explore', '--cpus', '2', '--workload', 'hotplug,hotplug-many', '--seed', '7', '--max-depth', '14', '--swarm', '3', '--out', out]);
  expect(r.code, r.stderr).not.toBe(2);
  return out;
}

describe('explore progress line', () => {
  it('TLC-style: states found (transitions + 1), distinct, queue, depth, states/s', () => {
    expect(progressLine('stress', 4, { states: 1_500_000, transitions: 4_199_999, depth: 31, queue: 12_345, elapsedMs: 20_000 }))
      .toBe('explore stress cpus=4: 4,200,000 states found, 1,500,000 distinct, 12,345 left on queue, depth 31, 75,000 states/s (20 s)');
  });
});

describe('explore swarm: shards as independent processes, merged = one --swarm run on the same seeds', () => {
  it('the GitHub Actions matrix example: 3 shard jobs, then merge', async () => {
    const [shard, merge] = commands('github-actions.yml');
    if (shard === undefined || merge === undefined) throw new Error('example has no explore/merge line');
    const base = tmp();
    const dirs: string[] = [];
    const runs = [1, 2, 3].map((i) => {
      const args = shard.replaceAll('${{ matrix.shard }}', String(i)).split(/\s+/);
      const o = args.indexOf('--out');
      args[o + 1] = join(base, args[o + 1] ?? '');
      dirs.push(args[o + 1] ?? '');
      return runCli(args);
    });
    for (const r of await Promise.all(runs)) {
      expect(r.code, r.stderr).not.toBe(2);
      expect(r.stderr).toMatch(/explore hotplug cpus=2 shard \d\/3: \d+ states/);
      expect(r.stderr).not.toContain('states found'); // the TLC-style line is for a TTY only
    }
    const m = merge.split(/\s+/).map((a) => (/^reports(-\d)?$/.test(a) ? join(base, a) : a));
    const r = await runCli(m);
    expect(r.code, r.stderr).not.toBe(2);
    const one = await single();
    expect(stable(join(base, 'reports'))).toEqual(stable(one));
    expect(results(join(base, 'reports'))).toEqual(results(one));
    // the shards really differ: own hash seeds, successor orders and depth bounds
    const all = (JSON.parse(readFileSync(join(one, 'model.json'), 'utf8')) as ModelJson).rows as { workload: string; states: number; search: { hashSeed: number; maxDepth: number; orderSeed: number } }[];
    const rows = all.filter((x) => x.workload === 'hotplug-many');
    expect(new Set(rows.map((x) => x.search.hashSeed)).size).toBe(3);
    expect(rows.map((x) => x.search.maxDepth)).toEqual([5, 10, 14]);
    expect(new Set(rows.map((x) => x.states)).size).toBe(3);
    expect(rows[0]?.search.orderSeed).toBe(0);
    expect(rows[1]?.search.orderSeed).not.toBe(0);
  });
  it('the Kubernetes Indexed Job example: JOB_COMPLETION_INDEX 0..2 → --shard 1/3..3/3, then merge', async () => {
    const [shard, merge] = commands('k8s-indexed-job.yaml');
    if (shard === undefined || merge === undefined) throw new Error('example has no explore/merge line');
    const base = tmp();
    const runs = [0, 1, 2].map((idx) => runCli(shard.replace('$((JOB_COMPLETION_INDEX + 1))', String(idx + 1)).replaceAll('$JOB_COMPLETION_INDEX', String(idx)).replaceAll('/reports', base).split(/\s+/)));
    for (const r of await Promise.all(runs)) expect(r.code, r.stderr).not.toBe(2);
    const r = await runCli(merge.replaceAll('/reports', base).split(/\s+/));
    expect(r.code, r.stderr).not.toBe(2);
    expect(stable(join(base, 'merged'))).toEqual(stable(await single()));
  });
  it('--swarm with --shard is one line, exit 2', async () => {
    const r = await runCli(['explore', '--swarm', '2', '--shard', '1/2', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--swarm and --shard');
  });
});
