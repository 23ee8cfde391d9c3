import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCoverageReport, checkResultsFile, loadCoverageReport, ReportFileError } from '../../report/load.js';
import { toResultsFile } from '../../report/report-input.js';
import { reportInput } from '../support/fixtures.js';

describe('load', () => {
  it('accepts what the writers produce', () => {
    const input = reportInput({ fail: true });
    expect(checkCoverageReport(JSON.parse(JSON.stringify(input.coverage)), 'c.json')).toEqual(input.coverage);
    expect(checkResultsFile(JSON.parse(JSON.stringify(toResultsFile(input))), 'r.json').invariants).toHaveLength(3);
  });
  it('names the file and the JSON path of the first problem', () => {
    const bad = JSON.parse(JSON.stringify(reportInput().coverage)) as { components: { states: { items: { visits: unknown }[] } }[] };
    const item = bad.components[0]?.states.items[1];
    if (item) item.visits = 'many';
    expect(() => checkCoverageReport(bad, 'x/coverage.json')).toThrow('x/coverage.json: $.components[0].states.items[1].visits must be a non-negative number');
    expect(() => checkCoverageReport({ schema: 'other' }, 'c.json')).toThrow(/\$\.schema must be "smpcheck.coverage\/1"/);
  });
  it('reports a missing file and invalid JSON in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smpcheck-load-'));
    await expect(loadCoverageReport(join(dir, 'coverage.json'))).rejects.toThrow(ReportFileError);
    await expect(loadCoverageReport(join(dir, 'coverage.json'))).rejects.toThrow(/coverage\.json: no such file$/);
    await writeFile(join(dir, 'coverage.json'), '{oops');
    await expect(loadCoverageReport(join(dir, 'coverage.json'))).rejects.toThrow(/not valid JSON/);
  });
});
