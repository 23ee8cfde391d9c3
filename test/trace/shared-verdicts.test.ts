/**
 * The verdict and category counts of every shared real trace, pinned: a speed change to the parser,
 * the trace.dat reader or the checker must leave them exactly as they are (issue 11, "Speed").
 * The figures are those of the checker before the speed work; a change that moves one is a change
 * of verdict and needs its own reason.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACES_DIR } from '../../cli/real-traces.js';
import { checkTraceFile } from '../../trace/check-file.js';
import type { TraceVerdict } from '../../trace/verdict.js';

interface Pinned {
  readonly events: number;
  readonly lines: number;
  readonly categories: Record<string, Record<string, number>>;
}

function summary(v: TraceVerdict): { ok: boolean; violations: Record<string, number> } & Pinned {
  return {
    ok: v.ok,
    violations: v.violationCounts,
    events: v.events,
    lines: v.lines,
    categories: Object.fromEntries(Object.entries(v.categories).map(([k, c]) => [k, c.byKind])),
  };
}

const PINNED: Readonly<Record<string, Pinned>> = {
  'linux-6.18-2cpu-hotplug-4cycles.txt.xz': {
    events: 778_944,
    lines: 778_956,
    categories: { completedUnobserved: { 're-queued': 2326 }, ttwuBatched: { 'ttwu-earlier-batch': 3 }, open: { 'queued-before-window': 2 }, undecided: { 'kick-queue-not-provably-empty': 1540, 'queued-by-untraced-cpu': 9 } },
  },
  'linux-6.18-2cpu-tlb-membarrier.txt.xz': {
    events: 159_016,
    lines: 159_028,
    categories: { completedUnobserved: { 're-queued': 1143 }, ttwuBatched: {}, open: {}, undecided: { 'kick-queue-not-provably-empty': 961 } },
  },
  'linux-6.18-2cpu-hotplug-trace-cmd.dat': {
    events: 248_709,
    lines: 248_710,
    categories: { completedUnobserved: {}, ttwuBatched: {}, open: { 'queued-before-window': 2 }, undecided: { 'kick-queue-not-provably-empty': 2, 'queued-by-untraced-cpu': 4 } },
  },
};

describe('shared real traces keep their verdicts', () => {
  for (const [file, want] of Object.entries(PINNED)) {
    it(`${file}: accepted, ${want.events} events, categories as pinned`, async () => {
      const v = await checkTraceFile(join(DEFAULT_TRACES_DIR, file));
      expect(summary(v)).toEqual({ ok: true, violations: {}, ...want });
    });
  }

  it('a trace.dat read with a line limit stops there (it used to loop forever on empty batches)', async () => {
    const v = await checkTraceFile(join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-hotplug-trace-cmd.dat'), { maxLines: 50_000 });
    expect(summary(v)).toEqual({
      ok: true,
      violations: {},
      events: 49_999,
      lines: 50_000,
      categories: { completedUnobserved: {}, ttwuBatched: {}, open: { 'queued-before-window': 1, 'running-at-end': 1 }, undecided: { 'kick-queue-not-provably-empty': 2, 'queued-by-untraced-cpu': 1 } },
    });
  }, 20_000);
});
