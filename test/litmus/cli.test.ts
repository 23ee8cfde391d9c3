/** `smpcheck litmus`: herd7's layout, --json, --memory, and exit 2 with one line for bad input. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeBundles, runCli } from '../support/cli.js';
import { checkLitmus } from '../../litmus/check.js';
import { runOperational } from '../../litmus/operational.js';
import { loadSuiteTest, TESTS_DIR } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'smpcheck-litmus-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeBundles();
});

const SB = join(TESTS_DIR, 'SB+poonceonces.litmus');
const MPREL = join(TESTS_DIR, 'MP+pooncerelease+poacquireonce.litmus');

describe('smpcheck litmus', () => {
  it('honest where the operational LKMM is not: load buffering and coherence against execution order get the LKMM\'s Sometimes (the verdict is the axiomatic model\'s)', async () => {
    const files = ['LB+poonceonces', 'S+poonceonces', 'WWC+poonceonce+dataonce+addronce'];
    for (const f of files) {
      // the operational core cannot produce the positive state of these tests …
      const t = loadSuiteTest(`${f}.litmus`);
      const op = runOperational(t, 'lkmm').states;
      const pos = checkLitmus(t, 'lkmm').states.filter((st) => st.positive).map((st) => st.state);
      expect(pos.length, f).toBeGreaterThan(0);
      expect(pos.filter((st) => op.has(st)), f).toEqual([]);
    }
    // … and the command still prints the LKMM's verdict for them
    const r = await runCli(['litmus', ...files.map((f) => join(TESTS_DIR, `${f}.litmus`)), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { name: string; verdict: string }[];
    expect(j.map((x) => [x.name, x.verdict])).toEqual(files.map((f) => [f, 'Sometimes']));
  });

  it('prints herd7-style results, one block per file, the Observation line last (default lkmm)', async () => {
    const r = await runCli(['litmus', SB, MPREL]);
    expect(r.code, r.stderr).toBe(0);
    const blocks = r.stdout.trim().split('\n\n');
    expect(blocks).toHaveLength(2);
    const sb = (blocks[0] ?? '').split('\n');
    expect(sb[0]).toBe('Test SB+poonceonces Allowed');
    expect(sb[1]).toBe('States 4');
    expect(sb).toContain('1       *>0:r0=0; 1:r0=0;');
    expect(sb).toContain('Ok');
    expect(sb).toContain('Positive: 1 Negative: 3');
    expect(sb).toContain('Condition exists (0:r0=0 /\\ 1:r0=0)');
    expect(sb[sb.length - 1]).toBe('Observation SB+poonceonces Sometimes 1 3');
    expect((blocks[1] ?? '').split('\n').at(-1)).toBe('Observation MP+pooncerelease+poacquireonce Never 0 3');
  });

  it('--memory sc forbids SB; --json gives verdict, counts and states', async () => {
    const r = await runCli(['litmus', SB, '--memory', 'sc', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { verdict: string; positive: number; negative: number; memory: string; states: { state: string; count: number }[] };
    expect([j.verdict, j.positive, j.negative, j.memory]).toEqual(['Never', 0, 3, 'sc']);
    expect(j.states.map((s) => s.state)).toEqual(['0:r0=0; 1:r0=1;', '0:r0=1; 1:r0=0;', '0:r0=1; 1:r0=1;']);
  });

  it.each([
    [['litmus', join(dir, 'missing.litmus')], /missing\.litmus: cannot read \(ENOENT\)/],
    [['litmus', SB, '--memory', 'arm'], /--memory arm: must be one of sc, tso, lkmm/],
    [['litmus', 'LOCK'], /lock\.litmus:6: unsupported: spinlocks: spin_lock\(\)/],
    [['litmus', SB, 'RCU'], /rcu\.litmus:5: unsupported: RCU: rcu_read_lock\(\)/],
  ])('bad input → one line, exit 2, no verdict: %j', async (args, re) => {
    writeFileSync(join(dir, 'lock.litmus'), 'C L\n{}\nP0(spinlock_t *s, int *x)\n{\n\tint r0;\n\tspin_lock(s);\n}\nexists (0:r0=0)\n');
    writeFileSync(join(dir, 'rcu.litmus'), 'C R\n{}\nP0(int *x)\n{\n\trcu_read_lock();\n}\nexists (x=0)\n');
    const argv = args.map((a) => (a === 'LOCK' ? join(dir, 'lock.litmus') : a === 'RCU' ? join(dir, 'rcu.litmus') : a));
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^smpcheck: /);
    expect(lines[0]).toMatch(re);
  });
});
