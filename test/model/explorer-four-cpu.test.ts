import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOUR_CPU_COMMAND, keptFourCpu } from '../../model/explorer-four-cpu.js';
import { writeModelJson } from '../../cli/model-run.js';
import { explore } from '../../model/explorer.js';

describe('model.json fourCpu section (npm run explore:4cpu)', () => {
  it('is "not run" with the command when nothing measured it, kept when measured', () => {
    for (const prev of [null, 42, {}, { fourCpu: null }, { fourCpu: { status: 'pass' } }]) {
      expect(keptFourCpu(prev)).toMatchObject({ status: 'not run', command: FOUR_CPU_COMMAND });
    }
    const run = { status: 'incomplete', states: 12, bound: 'explorer interrupted (Ctrl-C) after 12 states; reached depth 3' };
    expect(keptFourCpu({ fourCpu: run })).toBe(run);
  });

  it('writeModelJson (verify, explore) keeps a measured section and writes "not run" when absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-4cpu-'));
    try {
      const r = explore({ cpus: 2, workload: 'hotplug', maxStates: 200 });
      const result = { rows: [], coverage: r.coverage, invariants: r.invariants, counterexamples: [], completed: 0 };
      const file = await writeModelJson(dir, result);
      expect((JSON.parse(await readFile(file, 'utf8')) as { fourCpu: unknown }).fourCpu).toMatchObject({ status: 'not run', command: FOUR_CPU_COMMAND });
      const measured = { status: 'complete', states: 99, command: FOUR_CPU_COMMAND };
      await writeFile(file, JSON.stringify({ schema: 'smpcheck.model/1', fourCpu: measured }));
      await writeModelJson(dir, result);
      const body = JSON.parse(await readFile(file, 'utf8')) as { fourCpu: unknown; invariants: unknown[] };
      expect(body.fourCpu).toEqual(measured);
      expect(body.invariants.length).toBe(r.invariants.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
