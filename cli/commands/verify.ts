/**
 * `smpcheck verify`: the main job. Exhaustive model exploration of every default workload at 2 and
 * 3 CPUs (and --cpus), the 3 CPUs × 2 requests × 1 hotplug sizing workload, the deterministic
 * property suite at 2, 3 and 4 CPUs (and --cpus), then everything else
 * the kit has, all into one report folder. Every stage (model, properties on each runtime, audit,
 * real traces) has its own verdict; all of them go into the one invariant table, `--json`'s
 * `stages` and the closing line. Exit 0 only if every stage passes; a workload that a bound stopped
 * before it was exhaustive fails the model stage.
 */
import { DEFAULT_WORKLOADS, STRESS_WORKLOAD } from '../../model/index.js';
import { tableHtml } from '../../report/table-html.js';
import { modelCharts, modelStage, modelVariantOf, runModel, workloadsJson, writeModelJson, type ModelRow } from '../model-run.js';
import { mergeCoverage, mergeInvariants } from '../../report/merge.js';
import type { StageVerdict } from '../../report/report-input.js';
import { auditJson, auditStage } from './audit.js';
import { auditSectionHtml, writeAuditFiles } from '../../audit/report.js';
import { runAudit } from '../../audit/run.js';
import { propertiesJson, propertySectionHtml, propertyStageOfAll, refinementInvariant, runProperties } from '../property-run.js';
import { checkTraces, DEFAULT_TRACES_DIR, findTraces, traceCounterexamples, traceJson, tracesSectionHtml, tracesStage } from '../real-traces.js';
import { defineRunCommand } from '../run-command.js';
import { abstractLogLines, abstractReachable, abstractReport, guidedViolations } from '../abstract-run.js';
import { TraceCoverageCollector } from '../../trace/abstract-trace.js';

/** CPU count of the shared kernel traces (`../shared/traces/linux-6.18-2cpu-*`). */
const TRACE_CPUS = 2;

export function modelSectionHtml(rows: readonly ModelRow[]): string {
  return tableHtml(
    ['workload', 'cpus', 'states', 'transitions', 'depth', 'states/s', 'complete', 'violated'],
    rows.map((r) => [r.workload, r.cpus, r.states, r.transitions, r.depth, r.statesPerSecond, r.complete, r.violations.join(' ')]),
  );
}

export const register = defineRunCommand({
  name: 'verify',
  description: 'the main job: explore the model exhaustively, run every check, write all reports',
  title: 'smpcheck verify',
  defaults: { runs: 200 },
  // Both runtimes run (the threads suite on a tenth of the runs), so --runtime is not an option here.
  options: ['cpus', 'seed', 'runs', 'shard'],
  progressTotal: () => 0,
  async run(ctx) {
    // --variant: the model stage explores its rules (if it has any), the property suites run it
    const selected = ctx.variant;
    const mv = selected === undefined || selected.variant.model === null ? undefined : modelVariantOf(selected);
    const cpus = [...new Set([2, 3, ctx.options.cpus])].sort((a, b) => a - b);
    const log = (r: ModelRow): void => {
      ctx.log(`explore ${r.workload} cpus=${r.cpus}: ${r.states} states, ${r.transitions} transitions, ${r.statesPerSecond} states/s${r.complete ? '' : `, INCOMPLETE (${r.bound ?? ''})`}${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`);
    };
    const files: string[] = [];
    const defaults = await runModel({ cpus, workloads: [...DEFAULT_WORKLOADS, ...(selected?.variant.workloads ?? [])], fault: mv, signal: ctx.signal, onDone: log });
    const sizing = await runModel({ cpus: [3], workloads: [STRESS_WORKLOAD], fault: mv, signal: ctx.signal, onDone: log });
    const model = {
      rows: [...defaults.rows, ...sizing.rows],
      coverage: defaults.coverage,
      invariants: mergeInvariants([defaults.invariants, sizing.invariants]),
      counterexamples: [...defaults.counterexamples, ...sizing.counterexamples],
      completed: defaults.completed + sizing.completed,
    };
    files.push(await writeModelJson(ctx.options.out, model));
    const stages: StageVerdict[] = [modelStage(model, { requireComplete: true, interrupted: ctx.signal.aborted })];
    // Property suites: the deterministic runtime takes this shard's runs at --cpus (default 3) and a
    // quarter of them at each other count of 2, 3 and 4 CPUs (a mask IPI needs three remote targets
    // to differ from a single one); real threads a tenth at --cpus (each run there costs real
    // wake-ups, and shrinking re-runs it hundreds of times).
    const sharded = ctx.options.shard !== undefined;
    // abstract state coverage: the default workloads at --cpus (3) are the reachable space; the
    // deterministic suite is followed by the guided pass, threads are sampled
    const reach = abstractReachable(ctx.options.cpus);
    const props = [];
    const quarter = ctx.runs.slice(0, Math.max(1, Math.ceil(ctx.runs.length / 4)));
    const plan = [
      ...[...new Set([2, 3, 4, ctx.options.cpus])].sort((a, b) => a - b)
        .map((n) => ({ runtime: 'deterministic' as const, cpus: n, runs: n === ctx.options.cpus ? ctx.runs : quarter })),
      { runtime: 'threads' as const, cpus: ctx.options.cpus, runs: ctx.runs.slice(0, Math.max(1, Math.ceil(ctx.runs.length / 10))) },
    ];
    for (const runtime of ['deterministic', 'threads'] as const) {
      const results = [];
      for (const p of plan.filter((x) => x.runtime === runtime)) {
        if (ctx.signal.aborted) break;
        const r = await runProperties({ runtime, cpus: p.cpus, seed: ctx.options.seed, runs: p.runs, sharded, variant: selected, signal: ctx.signal, abstract: reach, guided: runtime === 'deterministic' });
        ctx.log(`check ${runtime} cpus=${p.cpus}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${refinementInvariant(r).status}`);
        props.push(r);
        results.push(r);
      }
      stages.push(results.length === 0
        ? { stage: `properties:${runtime}`, status: 'interrupted', detail: 'not started: interrupted by Ctrl-C', invariants: [] }
        : propertyStageOfAll(results));
    }
    // The bug catalogue with a short budget: every fault must still be caught, the correct code
    // must raise no alarm (`smpcheck audit` runs the full budget).
    const audit = ctx.signal.aborted ? null : await runAudit({
      // the barrier faults are caught under the LKMM only: the property suite runs there too
      budgetS: 1, seeds: 3, seed: ctx.options.seed, cpus: ctx.options.cpus, signal: ctx.signal, memory: ['sc', 'lkmm'],
      onFault: (f) => { ctx.log(`audit ${f.id}: ${f.caught ? 'caught' : 'SURVIVED'}`); },
    });
    if (audit !== null) files.push(...(await writeAuditFiles(ctx.options.out, audit)));
    stages.push(audit === null
      ? { stage: 'audit', status: 'interrupted', detail: 'not started: interrupted by Ctrl-C', invariants: [] }
      : auditStage(audit, ctx.signal.aborted));
    const traceFiles = await findTraces(DEFAULT_TRACES_DIR);
    // the shared kernel traces are 2-CPU recordings: their coverage is measured in the 2-CPU space
    const traceCov = new TraceCoverageCollector(abstractReachable(TRACE_CPUS));
    const traces = ctx.signal.aborted ? [] : await checkTraces(traceFiles, (v) => {
      ctx.log(`trace check ${v.file}: ${v.events} events, ${v.ok ? 'accepted' : 'REJECTED'}`);
    }, ctx.signal, traceCov);
    const wrongCpus = traces.filter((v) => Object.keys(v.stats.perCpuEvents).some((c) => Number(c) >= TRACE_CPUS));
    if (wrongCpus.length > 0) ctx.log(`abstract traces: ${wrongCpus.map((v) => v.file).join(', ')} not ${TRACE_CPUS}-CPU traces: their reconstruction is mapped onto the ${TRACE_CPUS}-CPU space anyway (CPUs ≥ ${TRACE_CPUS} ignored)`);
    stages.push(tracesStage(traceFiles, traces, ctx.signal.aborted));
    const abstract = abstractReport(reach, {
      // measured at --cpus only (the suites at other CPU counts have no abstract part)
      properties: props.find((p) => p.config.runtime === 'deterministic' && p.abstract !== null), threads: props.find((p) => p.config.runtime === 'threads'),
      traces: traces.length === 0 ? null : traceCov.result(),
    });
    for (const l of abstractLogLines(abstract)) ctx.log(l);
    const coverage = { ...mergeCoverage([model.coverage, ...props.map((p) => p.coverage)]), abstract };
    // The one invariant table: every stage's verdicts, merged (fail > pass > not checked).
    const invariants = mergeInvariants(stages.map((st) => st.invariants));
    return {
      charts: modelCharts(coverage),
      coverage,
      invariants,
      counterexamples: [
        ...model.counterexamples,
        ...props.flatMap((p) => p.counterexamples),
        ...props.flatMap((p) => guidedViolations(p, selected?.arg)),
        // A real kernel trace the model's rules reject is a finding: it fails the run like a violation.
        ...(await Promise.all(traces.map(traceCounterexamples))).flat(),
      ],
      sections: [
        { title: 'Model exploration', markdownOrHtml: modelSectionHtml(model.rows) },
        { title: 'Property tests', markdownOrHtml: propertySectionHtml(props) },
        ...(audit === null ? [] : [{ title: 'Fault audit', markdownOrHtml: auditSectionHtml(audit) }]),
        ...(traces.length > 0 ? [{ title: 'Real kernel traces', markdownOrHtml: tracesSectionHtml(traces) }] : []),
      ],
      stages,
      json: {
        workloads: workloadsJson(model.rows),
        properties: props.map(propertiesJson),
        ...(audit === null ? {} : { audit: auditJson(audit) }),
        traces: traces.map(traceJson),
      },
      files,
      completedRuns: model.completed,
    };
  },
});
