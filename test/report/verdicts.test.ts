/**
 * Issue 14 §2: verdicts that do not contradict themselves. Every stage's verdict reaches the one
 * invariant table (HTML), the Markdown, the JSON and the closing line; what a run could not decide
 * is "not checked" with its reason; a bound that stopped a search says "incomplete".
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelStage, type ModelRow } from '../../cli/model-run.js';
import { traceCounterexamples, tracesStage } from '../../cli/real-traces.js';
import { checkTraceFile } from '../../trace/check-file.js';
import type { InvariantResult } from '../../model/types.js';
import { renderCoverageMarkdown } from '../../report/coverage-md.js';
import { renderHtml } from '../../report/html.js';
import { mergeStages } from '../../report/merge.js';
import { allHold, closingLine, type ReportInput, type StageVerdict } from '../../report/report-input.js';
import { checkTraceLines } from '../../trace/check-file.js';
import type { TraceVerdict } from '../../trace/verdict.js';
import { reportInput } from '../support/fixtures.js';
import { ev, HEADER } from '../trace/fixtures.js';

const inv = (id: string, status: InvariantResult['status'], checks = 3, reason?: string): InvariantResult =>
  ({ id: `INV-${id}`, sentence: `${id} holds`, status, checks, ...(reason === undefined ? {} : { reason }) });

/** A verify-like run: model and properties pass, the real traces reject INV-DYING-EMPTY. */
function verifyLike(): ReportInput {
  const stages: StageVerdict[] = [
    { stage: 'model', status: 'pass', detail: '16 workload runs', invariants: [inv('NO-LOST-CALL', 'pass'), inv('DYING-EMPTY', 'pass')] },
    { stage: 'properties:deterministic', status: 'pass', detail: '100 runs', invariants: [inv('NO-LOST-CALL', 'pass')] },
    { stage: 'traces', status: 'fail', detail: '1 trace rejected', invariants: [inv('NO-LOST-CALL', 'not-checked', 0, 'no teardown'), inv('DYING-EMPTY', 'fail')] },
  ];
  const base = reportInput();
  return { ...base, invariants: [inv('NO-LOST-CALL', 'pass'), inv('DYING-EMPTY', 'fail')], counterexamples: [], stages, runs: { ...base.runs, command: 'verify' } };
}

describe('stage verdicts in the report', () => {
  it('a failing trace stage shows in the invariant table, the badge and the closing line, which lists every stage', async () => {
    const input = verifyLike();
    expect(allHold(input)).toBe(false);
    const html = await renderHtml(input);
    expect(html).toMatch(/id="verdict">failed: traces</);
    // One column per stage, and the trace stage's own cell for INV-DYING-EMPTY says fail.
    expect(html).toContain('<th data-stage="traces">traces</th>');
    const row = /<tr data-invariant="INV-DYING-EMPTY" data-status="fail">(.*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(row.match(/data-stage-status="(\w+(?:-\w+)?)"/g)).toEqual(['data-stage-status="pass"', 'data-stage-status="absent"', 'data-stage-status="fail"']);
    expect(html).toContain('not checked</span> <span class="muted">(no teardown)</span>');
    const closing = closingLine(input);
    expect(closing).toBe('smpcheck verify: End of run: FAILURE (in traces: INV-DYING-EMPTY) | model: pass · properties:deterministic: pass · traces: fail');
    expect(html).toContain(closing);
    const md = renderCoverageMarkdown(input.coverage, { invariants: input.invariants, stages: input.stages ?? [], closing });
    expect(md).toContain('| `traces` | fail | 1 trace rejected |');
    expect(md).toContain('End of run: FAILURE (in traces: INV-DYING-EMPTY)');
  });

  it('a stage can fail the run with no invariant failed (e.g. a workload verify claims exhaustive did not complete)', () => {
    const row: ModelRow = { workload: 'hotplug', cpus: 3, fault: null, states: 50, transitions: 69, depth: 7, elapsedMs: 1, statesPerSecond: 1, complete: false, bound: 'explorer stopped at --max-states 50', deadlocks: 0, violations: [] };
    const result = { rows: [row], coverage: reportInput().coverage, invariants: [inv('NO-LOST-CALL', 'pass')], counterexamples: [], completed: 1 };
    const verify = modelStage(result, { requireComplete: true, interrupted: false });
    expect(verify.status).toBe('fail');
    expect(verify.detail).toContain('not exhaustive: hotplug cpus=3: explorer stopped at --max-states 50');
    const explore = modelStage(result, { requireComplete: false, interrupted: false });
    expect(explore.status).toBe('incomplete');
    const base = reportInput();
    const input = { ...base, invariants: result.invariants, counterexamples: [], runs: { ...base.runs, command: 'explore' } };
    expect(closingLine({ ...input, stages: [explore] })).toBe('smpcheck explore: End of run: BOUND-REACHED | model: incomplete');
    expect(allHold({ ...input, stages: [verify] })).toBe(false);
    expect(closingLine({ ...input, stages: [verify] })).toBe('smpcheck explore: End of run: FAILURE (in model) | model: fail');
  });

  it('no trace files is "not checked", never pass', () => {
    expect(tracesStage([], [], false).status).toBe('not-checked');
  });
});

describe('an invariant a trace cannot decide is "not checked" with the reason', () => {
  it('a trace without any CPU hotplug does not report INV-DYING-EMPTY as pass', async () => {
    const A = '00000000000000a1';
    const lines = [1, 2, 3].flatMap((t) => [ev.queue(0, t, 1, 'flush_tlb_func', A), ev.ipi(0, t + 0.000001, 1), ev.entry(1, t + 0.00001, 'flush_tlb_func', A), ev.exit(1, t + 0.000011, 'flush_tlb_func', A)]);
    const v: TraceVerdict = await checkTraceLines([[...HEADER, ...lines]], 'synthetic');
    expect(v.ok).toBe(true);
    const dying = v.invariants.find((i) => i.id === 'INV-DYING-EMPTY');
    expect(dying?.status).toBe('not-checked');
    expect(dying?.reason).toMatch(/no CPU went through its dying teardown/);
    expect(v.invariants.find((i) => i.id === 'INV-RUN-ON-TARGET')?.status).toBe('pass');
    // …and so does the verify stage built from it.
    const st = tracesStage(['synthetic'], [v], false);
    expect(st.invariants.find((i) => i.id === 'INV-DYING-EMPTY')?.status).toBe('not-checked');
  });
});

describe('a rejected real trace is a counterexample like any other', () => {
  it('with a per-CPU timeline of the lines around the violation and a replay command', async () => {
    const A = '00000000000000a1';
    const F = 'flush_tlb_func';
    // 40 good round trips, then a request queued to cpu1 that runs on cpu0 (INV-RUN-ON-TARGET).
    const good = Array.from({ length: 40 }, (_, k) => k + 1).flatMap((t) => [ev.queue(0, t, 1, F, A), ev.ipi(0, t + 0.000001, 1), ev.entry(1, t + 0.00001, F, A), ev.exit(1, t + 0.000011, F, A)]);
    const bad = [ev.queue(0, 50, 1, F, A), ev.ipi(0, 50.000001, 1), ev.entry(0, 50.00001, F, A), ev.exit(0, 50.000011, F, A)];
    const file = join(mkdtempSync(join(tmpdir(), 'smpcheck-trace-cx-')), 'bad.txt');
    writeFileSync(file, [...HEADER, ...good, ...bad, ''].join('\n'));
    const v = await checkTraceFile(file, { window: { from: null, to: null, maxEntries: 10 } });
    expect(v.ok).toBe(false);
    const [c] = await traceCounterexamples(v);
    expect(c?.invariant).toBe('INV-RUN-ON-TARGET');
    expect(c?.replay).toBe(`npx smpcheck trace check ${file}`);
    // The first pass kept only 10 rows (far from the violation); the counterexample's timeline has the violating lines.
    const steps = new Set(c?.timeline.map((e) => e.step));
    for (const l of v.violations[0]?.lines ?? []) expect(steps.has(l), `line ${l}`).toBe(true);
    expect(new Set(c?.timeline.map((e) => e.cpu))).toEqual(new Set([0, 1]));
  });
});

describe('merging shards keeps the stage verdicts', () => {
  it('the worst status per stage wins and its invariants merge', () => {
    const a: StageVerdict = { stage: 'properties:deterministic', status: 'pass', detail: '50 runs', invariants: [inv('NO-LOST-CALL', 'pass', 50)] };
    const b: StageVerdict = { stage: 'properties:deterministic', status: 'fail', detail: '50 runs; violated INV-NO-LOST-CALL', invariants: [inv('NO-LOST-CALL', 'fail', 7)] };
    const [m] = mergeStages([[a], [b]]);
    expect(m?.status).toBe('fail');
    expect(m?.invariants).toEqual([{ ...inv('NO-LOST-CALL', 'fail', 57) }]);
    expect(m?.detail).toBe('2 shards; worst: 50 runs; violated INV-NO-LOST-CALL');
  });
});
