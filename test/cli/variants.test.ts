/**
 * The worked variants of examples/variants/ through the CLI, as a user runs them: the two broken
 * ones fail `check --variant` with the right invariant ID and a replay token that names the
 * variant and reproduces the failure; the harmless refactor passes. Run through `cli/bin.js`
 * (tsx), since a variant is a .ts file the CLI imports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeReplayToken } from '../../properties/replay-token.js';
import { runCli } from '../support/cli.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'smpcheck-variant-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bin = { entry: 'bin' } as const;
const tokenOf = (out: string): string => /npx smpcheck replay (smpp1\.[A-Za-z0-9_-]+)/.exec(out)?.[1] ?? '';

describe('examples/variants through smpcheck check / explore / replay', () => {
  it('wait-on-ipi-mask (B9-style wait regression): check fails INV-WAIT-SET; the replay token names the variant and reproduces it', async () => {
    const r = await runCli(['check', '--variant', 'examples/variants/wait-on-ipi-mask.ts', '--out', tmp()], bin);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('INV-WAIT-SET violated');
    expect(r.stdout).toMatch(/step │ cpu0/);
    expect(r.stdout).toContain('# variant example-wait-on-ipi-mask');
    const token = tokenOf(r.stdout.slice(r.stdout.indexOf('INV-WAIT-SET violated')));
    const t = decodeReplayToken(token);
    expect(t.inv).toBe('INV-WAIT-SET');
    expect(t.variant).toBe('example-wait-on-ipi-mask');
    expect(t.variantUrl).toMatch(/\/examples\/variants\/wait-on-ipi-mask\.ts$/);
    const again = await runCli(['replay', token], bin);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toContain('INV-WAIT-SET violated');
  }, 120_000);

  it('flush-async-first (reordered flush): check fails INV-ORDER, and explore of its model rules too, with a replay line naming the file', async () => {
    const c = await runCli(['check', '--variant', 'examples/variants/flush-async-first.ts', '--out', tmp()], bin);
    expect(c.code, c.stderr).toBe(1);
    expect(c.stdout).toContain('INV-ORDER violated');
    expect(decodeReplayToken(tokenOf(c.stdout)).variant).toBe('example-flush-async-first');
    const e = await runCli(['explore', '--variant', 'examples/variants/flush-async-first.ts', '--workload', 'many-nonempty', '--cpus', '2', '--out', tmp()], bin);
    expect(e.code, e.stderr).toBe(1);
    expect(e.stdout).toContain('INV-ORDER violated');
    expect(e.stdout).toContain('replay: npx smpcheck explore --cpus 2 --workload many-nonempty --variant examples/variants/flush-async-first.ts');
  }, 120_000);

  it('llist-add-reread (harmless refactor): check passes every invariant and the refinement (exit 0)', async () => {
    const r = await runCli(['check', '--variant', 'examples/variants/llist-add-reread.ts', '--out', tmp(), '--json'], bin);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { invariants: { id: string; status: string }[] };
    expect(out.invariants.length).toBeGreaterThan(15);
    expect(out.invariants.every((i) => i.status === 'pass')).toBe(true);
  }, 120_000);

  it('--workload FILE: explore explores it; check runs it on smp.c (holds) and on the wait regression (INV-SYNC-AFTER-RUN, replay line with both files)', async () => {
    const wl = 'examples/workloads/many-behind-async.ts';
    const e = await runCli(['explore', '--workload', wl, '--cpus', '3', '--out', tmp()], bin);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain('explore many-behind-async cpus=3');
    const ok = await runCli(['check', '--workload', wl, '--cpus', '3', '--runs', '20', '--out', tmp()], bin);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('20 schedules, refinement holds');
    const bad = await runCli(['check', '--workload', wl, '--cpus', '3', '--runs', '60', '--variant', 'examples/variants/wait-on-ipi-mask.ts', '--out', tmp()], bin);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain('INV-SYNC-AFTER-RUN violated');
    expect(bad.stdout).toMatch(/replay: npx smpcheck check --workload examples\/workloads\/many-behind-async\.ts --cpus 3 --seed 42 --runs \d+ --variant examples\/variants\/wait-on-ipi-mask\.ts/);
    const d = tmp();
    const irq = join(d, 'irq.json');
    // irq_work and ttwu entries run on the implementation too (refinement against the model)
    writeFileSync(irq, JSON.stringify({ name: 'irq', description: 'd', scripts: [[{ kind: 'irq_work', target: 1, csd: 'w' }, { kind: 'ttwu', target: 1 }]] }));
    const r = await runCli(['check', '--workload', irq, '--cpus', '2', '--runs', '20', '--out', tmp()], bin);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('20 schedules, refinement holds');
    const two = join(d, 'two.json');
    writeFileSync(two, JSON.stringify({ name: 'two', description: 'd', scripts: [[{ kind: 'irq_work', target: 1, csd: 'a' }, { kind: 'irq_work', target: 1, csd: 'b' }]] }));
    const r2 = await runCli(['check', '--workload', two, '--cpus', '2', '--out', tmp()], bin);
    expect(r2.code, r2.stderr).toBe(2);
    expect(r2.stderr).toContain('uses more than one irq_work');
  }, 120_000);

  it('a missing, broken or impl-only variant is one line naming the input (exit 2)', async () => {
    const d = tmp();
    writeFileSync(join(d, 'package.json'), '{ "type": "module" }\n');
    const noDefault = join(d, 'no-default.ts');
    writeFileSync(noDefault, 'export const x = 1;\n');
    const badFn = join(d, 'bad-fn.ts');
    writeFileSync(badFn, "export default { id: 'x', title: 't', story: 's', breaks: [], workloads: [], model: null, impl: { csd_lokc: () => 0 } };\n");
    for (const [args, msg] of [
      [['check', '--variant', join(d, 'nope.ts')], 'no such file'],
      [['check', '--variant', noDefault], 'no default export'],
      [['check', '--variant', badFn], 'impl.csd_lokc is not a kernel function'],
      [['explore', '--variant', 'examples/variants/llist-add-reread.ts'], 'changes no rule of the model'],
      [['check', '--variant', 'examples/variants/llist-add-reread.ts', '--fault', 'double-unlock'], 'give one of them'],
    ] as const) {
      const r = await runCli([...args, '--out', tmp()], bin);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(msg);
    }
  }, 120_000);
});
