/**
 * Issue 12: the abstract coverage section of index.html in headless Chromium — the technique table,
 * the Vega-Lite plot (rendered to SVG by vega) and the pair tables show the numbers of
 * coverage.json's `abstract`, from a real (small) property-suite run with the guided pass.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abstractReachable, abstractReport } from '../../cli/abstract-run.js';
import type { AbstractCoverageReport } from '../../model/abstract-coverage.js';
import type { CoverageReport } from '../../model/types.js';
import { runPropertySuite } from '../../properties/index.js';
import { csdByTarget, queueByIdle } from '../../report/abstract-tables.js';
import { writeReports } from '../../report/write-reports.js';
import { viewReport } from '../support/browser.js';
import { ROOT } from '../support/cli.js';

describe('abstract coverage in the HTML report (headless Chromium)', () => {
  it('shows the technique table, the plot and the pair tables with the numbers of coverage.json', async () => {
    const reach = abstractReachable(2);
    const r = await runPropertySuite({ runs: 5, refinementRuns: 5, seed: 7, cpus: 2, abstract: reach, guided: true, invariants: ['INV-NO-LOST-CALL'] });
    const abstract = abstractReport(reach, { properties: r });
    const out = join(ROOT, 'reports', 'browser-check-abstract');
    await mkdir(out, { recursive: true });
    await writeReports(out, {
      title: 'smpcheck check (abstract browser check)', generatedAt: new Date().toISOString(), charts: [],
      coverage: { ...r.coverage, abstract }, invariants: r.invariants, counterexamples: [], sections: [],
      runs: { command: 'check', seed: 7, runs: r.stats.runs, shards: [], durationMs: 0, interrupted: false },
    });
    const json = (JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8')) as CoverageReport & { abstract: AbstractCoverageReport }).abstract;
    const view = await viewReport(join(out, 'index.html'), join(out, 'screenshot.png'));
    expect(view.errors).toEqual([]);
    expect(view.requests).toEqual([]);
    const a = view.abstract;
    if (a === null) throw new Error('no #abstract section in index.html');
    expect(a.reachableStates).toBe(json.reachable.states);
    expect(a.reachableTransitions).toBe(json.reachable.transitions);
    const measured = a.techniques.filter((t) => t.status === 'measured');
    expect(measured.map((t) => t.technique)).toEqual(expect.arrayContaining(['explorer', 'properties']));
    for (const t of measured) {
      const j = json.by[t.technique as keyof typeof json.by];
      expect({ states: t.states, transitions: t.transitions, runs: t.runs }, t.technique).toEqual({ states: j.states, transitions: j.transitions, runs: j.runs });
    }
    // the explorer covers the whole space by definition; the property suite (5 runs + guided) not less than random alone
    expect(json.by.explorer.states).toBe(json.reachable.states);
    expect(json.by.properties.states).toBeGreaterThan(0);
    // the plot is an SVG drawn by vega, with marks and axis titles
    expect(a.plotSvgs).toBe(1);
    expect(a.plotMarks).toBeGreaterThan(3);
    expect(a.plotText).toMatch(/runs/i);
    // pair tables: every cell equals the tables computed from coverage.json
    const expected = [['csd-by-target', csdByTarget(json)], ['queue-by-idle', queueByIdle(json)]] as const;
    for (const [id, t] of expected) {
      const cells = a.pairCells.filter((c) => c.table === id);
      expect(cells.length, id).toBe(t.rows.length * t.cols.length);
      for (const c of cells) {
        const cell = t.cells[t.rows.indexOf(c.row)]?.[t.cols.indexOf(c.col)];
        expect(c.reachable, `${id} ${c.row}×${c.col}`).toBe(cell?.reachable ?? 0);
        if (c.reachable > 0) expect(c.covered, `${id} ${c.row}×${c.col}`).toBe(cell?.properties ?? null);
      }
    }
    expect(a.uncoveredListed).toBe(Math.min(json.uncovered.length, 30));
  });
});
