import { describe, expect, it } from 'vitest';
import { renderCoverageMarkdown } from '../../report/coverage-md.js';
import { HOSTILE, reportInput } from '../support/fixtures.js';

describe('renderCoverageMarkdown', () => {
  it('has one summary row per chart with the counts of coverage.json', () => {
    const input = reportInput();
    const md = renderCoverageMarkdown(input.coverage);
    for (const c of input.coverage.components) {
      expect(md).toContain(`| ${c.machine} | ${c.states.covered}/${c.states.total} |`);
    }
    expect(md).toContain('`csd.locked.filled`');
  });
  it('lists invariants with status and counterexamples with their replay line, escaped', () => {
    const input = reportInput({ fail: true });
    const md = renderCoverageMarkdown(input.coverage, { invariants: input.invariants, counterexamples: input.counterexamples });
    expect(md).toMatch(/\| `INV-NO-LOST-CALL` \| ❌ fail \| 1200 \|/);
    expect(md).toContain('replay: `npx smpcheck replay');
    expect(md).not.toContain(HOSTILE);
  });
  it('cuts long uncovered lists and says how many more', () => {
    const md = renderCoverageMarkdown(reportInput().coverage, { maxListed: 1 });
    expect(md).toMatch(/and 1 more/);
  });
});
