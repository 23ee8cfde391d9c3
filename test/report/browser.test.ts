/**
 * The HTML report in a real browser (headless Chromium): every diagram rendered, the counts shown
 * equal coverage.json, no console errors, no network, and the hostile function name stays text.
 * Fails (never skips) when chromium is missing.
 */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../model/types.js';
import { writeReports } from '../../report/write-reports.js';
import { viewReport } from '../support/browser.js';
import { HOSTILE, reportInput } from '../support/fixtures.js';

describe('index.html in headless Chromium', () => {
  it('renders every chart, shows the counts of coverage.json, logs no errors, stays offline', async () => {
    const out = await mkdtemp(join(tmpdir(), 'smpcheck-html-'));
    const input = reportInput({ fail: true, title: `report ${HOSTILE}` });
    await writeReports(out, input);
    const view = await viewReport(join(out, 'index.html'), join(out, 'screenshot.png'));
    const coverage = JSON.parse(await readFile(join(out, 'coverage.json'), 'utf8')) as CoverageReport;

    expect(view.errors).toEqual([]);
    expect(view.requests).toEqual([]);
    expect(view.dialogs).toEqual([]); // the onerror=alert(1) payload did not run
    expect(view.imgCount).toBe(0);
    expect(view.title).toBe(`report ${HOSTILE}`); // shown as text, verbatim

    expect(view.charts.map((c) => c.machine)).toEqual(coverage.components.map((c) => c.machine));
    for (const [i, chart] of view.charts.entries()) {
      const comp = coverage.components[i];
      const structure = input.charts[i]?.structure;
      if (comp === undefined || structure === undefined) throw new Error(`no coverage component ${i}`);
      expect(chart.svgCount, chart.machine).toBe(1);
      // every atomic state of the chart is a drawn node (compound states are clusters)
      const atomic = structure.states.filter((s) => s.parent !== null && !structure.states.some((c) => c.parent === s.id)).map((s) => s.id);
      expect(chart.stateNodeIds.sort()).toEqual(atomic.sort());
      expect(chart.edgeCount).toBeGreaterThanOrEqual(structure.transitions.length);
      expect(chart.counts).toEqual({
        'states.covered': comp.states.covered,
        'states.total': comp.states.total,
        'transitions.covered': comp.transitions.covered,
        'transitions.total': comp.transitions.total,
      });
      const shown = [...comp.states.items.map((it) => ({ kind: 'state', ...it })), ...comp.transitions.items.map((it) => ({ kind: 'transition', ...it }))];
      expect(chart.visits).toEqual(shown);
    }
    expect(view.invariantRows).toEqual(input.invariants.map((i) => ({ id: i.id, status: i.status })));
    expect(view.timelineLanes).toEqual(input.counterexamples[0]?.timeline.map((e) => e.lane));
    expect((await stat(join(out, 'screenshot.png'))).size).toBeGreaterThan(1000);
  });
});
