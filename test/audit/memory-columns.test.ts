import { describe, expect, it } from 'vitest';
import { auditMarkdown } from '../../audit/report.js';
import { runAudit } from '../../audit/run.js';

describe('audit --memory: byMemory per fault and a column per memory model', () => {
  it('a barrier fault is caught under lkmm, missed under sc, not checked under tso when not requested; the correct code is clean', async () => {
    const a = await runAudit({ only: ['csd-unlock-no-release'], techniques: ['props'], memory: ['sc', 'lkmm'], budgetS: 2, seeds: 1, threads: false });
    const f = a.faults[0];
    expect(f?.id).toBe('csd-unlock-no-release');
    expect(f?.byMemory).toEqual({ sc: 'missed', tso: 'not checked: tso not requested (--memory)', lkmm: 'caught' });
    expect(f?.expectedMemory).toEqual(['lkmm']);
    expect(a.summary.survivors).toEqual([]);
    expect(a.correctByMemory.sc).toBe('missed');
    expect(a.correctByMemory.lkmm).toBe('missed');
    expect(a.summary.falseAlarms).toEqual([]);
    const md = auditMarkdown(a);
    expect(md).toContain('| props --memory sc | props --memory tso | props --memory lkmm |');
    expect(md).toMatch(/\| csd-unlock-no-release \|.*\| missed \| not checked: tso not requested \(--memory\) \| caught \|/);
  });
});
