import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinVariant } from '../../variants/index.js';
import { cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-explore-');

describe('smpcheck explore', () => {
  it('explores a workload exhaustively, exits 0 and writes model.json with the figures', async () => {
    const out = tmp();
    const r = await runCli(['explore', '--cpus', '2', '--workload', 'single-wait,hotplug', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as { ok?: boolean };
    expect(parsed).toBeTypeOf('object');
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { rows: { workload: string; states: number; complete: boolean; violations: string[] }[] };
    expect(model.rows.map((x) => x.workload)).toEqual(['single-wait', 'hotplug']);
    for (const row of model.rows) {
      expect(row.complete).toBe(true);
      expect(row.states).toBeGreaterThan(10);
      expect(row.violations).toEqual([]);
    }
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('exits 1 on a broken model variant and prints the INV- id, the counterexample and its replay line', async () => {
    const v = builtinVariant('B3-no-dying-flush');
    const fault = { id: v.id, cpus: v.model?.cpus ?? 3, workload: v.model?.workload ?? '' };
    const out = tmp();
    const r = await runCli(['explore', '--cpus', String(fault.cpus), '--workload', fault.workload, '--fault', fault.id, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('INV-DYING-EMPTY');
    expect(r.stdout).toContain(`npx smpcheck explore --cpus ${fault.cpus} --workload ${fault.workload} --fault B3-no-dying-flush`);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { violations: { invariant: string }[] };
    expect(model.violations.map((v) => v.invariant)).toContain('INV-DYING-EMPTY');
  });

  it('rejects an unknown workload and an unknown fault with one line naming the option (exit 2)', async () => {
    for (const [opt, val] of [['--workload', 'nope'], ['--fault', 'nope']] as const) {
      const r = await runCli(['explore', opt, val, '--out', tmp()]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${opt} nope`);
    }
  });
});
