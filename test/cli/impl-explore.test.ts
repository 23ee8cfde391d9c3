import { describe, expect, it } from 'vitest';
import { exploreImplementation } from '../../cli/impl-explore.js';
import { DeterministicSystem } from '../../impl/runtime/deterministic.js';
import type { Workload } from '../../model/index.js';
import { findBuiltin } from '../../variants/index.js';
import { cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-impl-explore-');
const ONE_WAIT: Workload = { name: 'one-wait', description: 'cpu0 calls cpu1 and waits', scripts: [[{ kind: 'single', target: 1, wait: true }]] };

describe('explore --impl: the bounded DFS of the implementation under --memory', () => {
  it('csd-unlock-no-release: the DFS under lkmm finds INV-SYNC-AFTER-RUN, under sc it completes clean; the schedule replays', async () => {
    const variant = findBuiltin('csd-unlock-no-release') ?? undefined;
    const o = { cpus: 2, maxPreemptions: 1, maxRuns: 5000, ...(variant === undefined ? {} : { variant }) };
    const sc = await exploreImplementation(ONE_WAIT, { ...o, memory: 'sc' });
    expect(sc.failure).toBeUndefined();
    expect(sc.complete).toBe(true);
    expect(sc.runs).toBeGreaterThan(10);
    const lk = await exploreImplementation(ONE_WAIT, { ...o, memory: 'lkmm' });
    expect(lk.failure?.invariant).toBe('INV-SYNC-AFTER-RUN');
    expect(lk.failure?.schedule).toMatch(/^smp3:2:csd-unlock-no-release:lkmm:/);
    const sys = new DeterministicSystem({ cpus: 2, memory: 'lkmm', trace: false, ...(variant === undefined ? {} : { variant }) });
    sys.call(0, { kind: 'single', target: 1, wait: true });
    const again = sys.replay(lk.failure?.schedule ?? '');
    expect(again.schedule).toBe(lk.failure?.schedule);
    expect(again.accounting.returnedBeforeRun).toBeGreaterThan(0);
  });

  it('the correct code: no alarm under lkmm within the bound', async () => {
    const r = await exploreImplementation(ONE_WAIT, { cpus: 2, maxPreemptions: 1, maxRuns: 400, memory: 'lkmm' });
    expect(r.failure).toBeUndefined();
    expect(r.runs).toBe(400);
  });

  it('CLI: exit 1 with the invariant and a replay line under lkmm; --memory without --impl is one line, exit 2', async () => {
    const r = await runCli(['explore', '--impl', '--workload', 'single-wait', '--cpus', '2', '--memory', 'lkmm', '--max-preemptions', '0', '--fault', 'csd-unlock-no-release', '--out', tmp()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('INV-SYNC-AFTER-RUN violated');
    expect(r.stdout).toContain('replay: npx smpcheck explore --impl --workload single-wait --cpus 2 --memory lkmm --max-preemptions 0');
    const bad = await runCli(['explore', '--memory', 'lkmm', '--out', tmp()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['smpcheck: --memory lkmm: the model is explored under sc only; add --impl to explore the implementation under lkmm']);
  });
});
