/** Issue 14 §3: the long phases of `npm test` (typecheck, lint) say what they are doing before they start. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

describe('npm test', () => {
  it('announces typecheck and lint before running them; vitest (whose reporter prints "N passed, N failed") runs last', () => {
    const steps = pkg.scripts.test.split('&&').map((s) => s.trim());
    const at = (re: RegExp): number => steps.findIndex((s) => re.test(s));
    for (const phase of ['typecheck', 'lint']) {
      const run = at(new RegExp(`^npm run -s ${phase}$`));
      expect(run, phase).toBeGreaterThan(0);
      const said = steps[run - 1] ?? '';
      expect(said).toMatch(new RegExp(`^echo '.*${phase}.*'$`));
      // The announcement is one plain line when the shell runs it.
      expect(execFileSync('sh', ['-c', said], { encoding: 'utf8' })).toMatch(new RegExp(`^npm test \\d/3: ${phase}.*\\n$`));
    }
    expect(steps.at(-1)).toBe('vitest run');
  });
});
