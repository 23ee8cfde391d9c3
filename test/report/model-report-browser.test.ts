/**
 * The real model's report, not a fixture: explore a workload with a broken variant (so the page has
 * a counterexample too), write the reports, and look at them in headless Chromium. The screenshot
 * lands in reports/ (git-ignored) for a human to look at.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { modelFault } from '../support/variants.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCharts, runModel } from '../../cli/model-run.js';
import { findWorkload } from '../../model/index.js';
import type { CoverageReport } from '../../model/types.js';
import { writeReports } from '../../report/write-reports.js';
import { ROOT } from '../support/cli.js';
import { viewReport } from '../support/browser.js';

describe('the model report in headless Chromium', () => {
  it('draws the CSD and hotplug charts with the counts of coverage.json and the counterexample lanes (INV-DYING-EMPTY)', async () => {
    const out = join(ROOT, 'reports', 'browser-check');
    await mkdir(out, { recursive: true });
    const r = await runModel({ cpus: [3], workloads: [findWorkload('hotplug')], fault: modelFault('B3-no-dying-flush') });
    const dying = r.counterexamples.filter((c) => c.invariant === 'INV-DYING-EMPTY');
    expect(dying.length).toBe(1);
    await writeReports(out, {
      title: 'smpcheck explore (browser check)', generatedAt: new Date().toISOString(), charts: modelCharts(r.coverage),
      coverage: r.coverage, invariants: r.invariants, counterexamples: dying, sections: [],
      runs: { command: 'explore', seed: null, runs: r.completed, shards: [], durationMs: 0, interrupted: false },
    });
    const view = await viewReport(join(out, 'index.html'), join(ROOT, 'reports', 'screenshot.png'));
    const coverage = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8')) as CoverageReport;
    expect(view.errors).toEqual([]);
    expect(view.requests).toEqual([]);
    expect(view.charts.map((c) => c.machine)).toEqual(['csd', 'hotplug']);
    for (const [i, chart] of view.charts.entries()) {
      const comp = coverage.components[i];
      expect(chart.svgCount).toBe(1);
      expect(chart.counts).toEqual({
        'states.covered': comp?.states.covered, 'states.total': comp?.states.total,
        'transitions.covered': comp?.transitions.covered, 'transitions.total': comp?.transitions.total,
      });
    }
    expect(view.invariantRows.find((x) => x.id === 'INV-DYING-EMPTY')?.status).toBe('fail');
    expect(view.timelineLanes).toEqual(dying[0]?.timeline.map((e) => e.lane));
  });
});
