/**
 * The real kernel traces shipped beside the project (`../shared/traces/`), checked as part of
 * `verify`: the strongest evidence that the model's rules are the kernel's.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTraceFile } from '../trace/check-file.js';
import type { TraceCoverageCollector } from '../trace/abstract-trace.js';
import type { TimelineEntry } from '../model/types.js';
import type { HotplugWindow, TraceVerdict } from '../trace/verdict.js';
import { escapeHtml } from '../report/escape.js';
import { tableHtml } from '../report/table-html.js';
import { renderTimelineHtml } from '../report/timeline-html.js';

export const DEFAULT_TRACES_DIR = resolve(fileURLToPath(new URL('../../shared/traces', import.meta.url)));

/** ftrace text (`.txt`, `.trace`) and trace-cmd binary (`.dat`), plain or gzip/xz. */
const TRACE_FILE = /\.(txt|trace|dat)(\.gz|\.xz)?$/;

/** Every trace file in `dir`; an absent folder means no traces (a fresh clone without shared/). */
export async function findTraces(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => TRACE_FILE.test(f)).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export async function checkTraces(files: readonly string[], onDone?: (v: TraceVerdict) => void, abstract?: TraceCoverageCollector): Promise<TraceVerdict[]> {
  const out: TraceVerdict[] = [];
  for (const f of files) {
    abstract?.begin();
    const v = await checkTraceFile(f, abstract === undefined ? {} : { onEvent: (e) => { abstract.feed(e); } });
    out.push(v);
    onDone?.(v);
  }
  return out;
}

/** Hotplug cycles as timeline rows (row = trace line), in the CPU's column: what the kernel traced of each transition. */
export function hotplugTimeline(windows: readonly HotplugWindow[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const what = { down: 'going down: takedown_cpu (dying steps untraced)', offline: 'offline: takedown_cpu returned', prepare: 'bring-up: smpcfd_prepare_cpu', online: 'online: first own event' } as const;
  for (const w of windows) {
    for (const k of ['down', 'offline', 'prepare', 'online'] as const) {
      const m = w[k];
      if (m !== null) out.push({ step: m.line, cpu: w.cpu, lane: 'hotplug', text: `${m.ts.toFixed(6)} cpu${w.cpu} ${what[k]}` });
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

export function tracesSectionHtml(verdicts: readonly TraceVerdict[]): string {
  const hotplug = verdicts
    .filter((v) => v.hotplug.length > 0)
    .map((v) => `<h4>${escapeHtml(v.file)}: ${v.hotplug.length} CPU hotplug cycle(s)</h4>${renderTimelineHtml(hotplugTimeline(v.hotplug))}`)
    .join('');
  return summaryTable(verdicts) + hotplug;
}

function summaryTable(verdicts: readonly TraceVerdict[]): string {
  return tableHtml(
    ['trace', 'events', 'verdict', 'violated', 'completed without csd events (evidence: re-queue)', 'open at window edges', 'undecided'],
    verdicts.map((v) => [
      v.file, v.events, v.ok ? 'accepted' : 'rejected',
      v.invariants.filter((i) => i.status === 'fail').map((i) => i.id).join(' '),
      v.categories.completedUnobserved.count, v.categories.open.count, v.categories.undecided.count,
    ]),
  );
}
