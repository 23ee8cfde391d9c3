/**
 * The real kernel traces shipped beside the project (`../shared/traces/`), checked as part of
 * `verify`: the strongest evidence that the model's rules are the kernel's.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTraceFile, TraceCheckInterrupted, type CheckTraceOptions } from '../trace/check-file.js';
import type { TraceCoverageCollector } from '../trace/abstract-trace.js';
import type { Counterexample, TimelineEntry } from '../model/types.js';
import { mergeInvariants } from '../report/merge.js';
import type { StageVerdict } from '../report/report-input.js';
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

export async function checkTraces(files: readonly string[], onDone?: (v: TraceVerdict) => void, signal?: AbortSignal, abstract?: TraceCoverageCollector): Promise<TraceVerdict[]> {
  const out: TraceVerdict[] = [];
  for (const f of files) {
    if (signal?.aborted === true) break;
    let v: TraceVerdict;
    try {
      abstract?.begin();
      const o: CheckTraceOptions = {
        ...(signal === undefined ? {} : { signal }),
        ...(abstract === undefined ? {} : { onEvent: (e) => { abstract.feed(e); } }),
      };
      v = await checkTraceFile(f, o);
    } catch (e) {
      if (e instanceof TraceCheckInterrupted) break; // this file has no verdict; the stage says interrupted
      throw e;
    }
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

/**
 * The `traces` stage: every trace file's verdicts merged. No files (a clone without ../shared) is
 * "not checked", never "pass"; so is an invariant that no trace could decide (with the reason).
 */
export function tracesStage(files: readonly string[], verdicts: readonly TraceVerdict[], interrupted: boolean): StageVerdict {
  if (files.length === 0) return { stage: 'traces', status: 'not-checked', detail: `no trace files in ${DEFAULT_TRACES_DIR}`, invariants: [] };
  const invariants = mergeInvariants(verdicts.map((v) => v.invariants));
  const rejected = verdicts.filter((v) => !v.ok);
  const events = verdicts.reduce((a, v) => a + v.events, 0);
  const detail = `${verdicts.length} of ${files.length} trace files, ${events} events`;
  if (rejected.length > 0) {
    const ids = [...new Set(rejected.flatMap((v) => v.invariants.filter((i) => i.status === 'fail').map((i) => i.id)))];
    return { stage: 'traces', status: 'fail', detail: `${detail}; rejected ${rejected.map((v) => v.file).join(', ')} (${ids.join(', ')})`, invariants };
  }
  if (interrupted) return { stage: 'traces', status: 'interrupted', detail: `${detail}; interrupted by Ctrl-C`, invariants };
  return { stage: 'traces', status: 'pass', detail: `${detail}, all accepted`, invariants };
}

/**
 * A rejected trace's first violations as counterexamples, each with a per-CPU timeline of the trace
 * lines around it (the file is read again with a line window: rejections are rare, the first pass
 * keeps only its first rows) and, as replay, `trace check` on the file.
 */
export async function traceCounterexamples(v: TraceVerdict): Promise<Counterexample[]> {
  if (v.ok) return [];
  const out: Counterexample[] = [];
  for (const viol of v.violations.slice(0, 3)) {
    const lines = { from: Math.max(1, Math.min(...viol.lines) - 30), to: Math.max(...viol.lines) + 30 };
    const around = await checkTraceFile(v.file, { window: { from: null, to: null, maxEntries: 400, lines } });
    const hotplug = hotplugTimeline(v.hotplug).filter((e) => e.step >= lines.from && e.step <= lines.to);
    out.push({
      invariant: viol.id, sentence: v.invariants.find((i) => i.id === viol.id)?.sentence ?? viol.id,
      message: `${v.file}: ${viol.message}`, steps: viol.lines.map((l) => `line ${l}`),
      timeline: [...around.timeline, ...hotplug].sort((a, b) => a.step - b.step),
      replay: `npx smpcheck trace check ${v.file}`,
    });
  }
  return out;
}

/** `--json`'s `traces[]`. */
export function traceJson(v: TraceVerdict): Record<string, unknown> {
  return {
    file: v.file, ok: v.ok, events: v.events, lines: v.lines, violations: v.violationCounts,
    invariants: v.invariants, undecided: v.categories.undecided.count, open: v.categories.open.count, hotplugCycles: v.hotplug.length,
  };
}
