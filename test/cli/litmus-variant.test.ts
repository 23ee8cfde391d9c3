/**
 * Issue 14 §1 for `litmus`: `smpcheck litmus --variant FILE` checks the tests as the variant's
 * `litmus` part rewrites their primitives (examples/variants/release-as-once.ts), and a variant
 * without one, or with a rewrite that changes a call's kind, is one line naming it (exit 2).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-litmus-variant-');
const bin = { entry: 'bin' } as const;
const MP = 'litmus/tests/MP+pooncerelease+poacquireonce.litmus';
const EXAMPLE = 'examples/variants/release-as-once.ts';

describe('smpcheck litmus --variant', () => {
  it('MP with release/acquire: Never as written, Sometimes under the LKMM with the pair rewritten to once, Never under SC either way', async () => {
    const plain = await runCli(['litmus', MP, '--json'], bin);
    expect(plain.code, plain.stderr).toBe(0);
    expect((JSON.parse(plain.stdout) as { verdict: string }).verdict).toBe('Never');
    const lkmm = await runCli(['litmus', MP, '--variant', EXAMPLE, '--json'], bin);
    expect(lkmm.code, lkmm.stderr).toBe(0);
    const j = JSON.parse(lkmm.stdout) as { verdict: string; variant: string; rewrite: Record<string, string> };
    expect(j).toMatchObject({ verdict: 'Sometimes', variant: 'example-release-as-once', rewrite: { smp_store_release: 'WRITE_ONCE' } });
    const sc = await runCli(['litmus', MP, '--variant', EXAMPLE, '--memory', 'sc'], bin);
    expect(sc.code, sc.stderr).toBe(0);
    expect(sc.stdout).toContain('Variant example-release-as-once: smp_store_release as WRITE_ONCE');
    expect(sc.stdout.trim().split('\n').at(-1)).toMatch(/^Observation MP\+pooncerelease\+poacquireonce Never 0 \d+$/);
  }, 120_000);

  it('a variant with no litmus part, or a rewrite across kinds, is one line naming it (exit 2)', async () => {
    const d = tmp();
    writeFileSync(join(d, 'package.json'), '{ "type": "module" }\n');
    const bad = join(d, 'bad.ts');
    writeFileSync(bad, `import { defineVariant } from '${join(process.cwd(), 'variants/api.js')}';\nexport default defineVariant(import.meta.url, { id: 'bad-rewrite', title: 't', story: 's', litmus: { READ_ONCE: 'smp_mb' } });\n`);
    for (const [v, msg] of [
      ['examples/variants/llist-add-reread.ts', "rewrites no primitive (no 'litmus' part)"],
      [bad, "litmus rewrite READ_ONCE → smp_mb: 'READ_ONCE' is a load, 'smp_mb' a fence"],
    ] as const) {
      const r = await runCli(['litmus', MP, '--variant', v], bin);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(msg);
    }
  }, 120_000);
});
