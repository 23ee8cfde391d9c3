/**
 * `smpcheck verify`: the main job. Exhaustive model exploration of every default workload at 2 and
 * 3 CPUs (and --cpus), the 3 CPUs × 2 requests × 1 hotplug sizing workload, then everything else
 * the kit has, all into one report folder. Exit 0 only if every invariant holds everywhere.
 */
import { DEFAULT_WORKLOADS, STRESS_WORKLOAD } from '../../model/index.js';
import { tableHtml } from '../../report/table-html.js';
import { modelCharts, runModel, writeModelJson, type ModelRow } from '../model-run.js';
import { mergeCoverage, mergeInvariants } from '../../report/merge.js';
import { REFINEMENT_SENTENCE } from './check.js';
import { auditInvariants } from './audit.js';
import { auditSectionHtml, writeAuditFiles } from '../../audit/report.js';
import { runAudit } from '../../audit/run.js';
import { propertySectionHtml, runProperties } from '../property-run.js';
import { checkTraces, DEFAULT_TRACES_DIR, findTraces, tracesSectionHtml } from '../real-traces.js';
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
  progressTotal: () => 0,
  async run(ctx) {
    const cpus = [...new Set([2, 3, ctx.options.cpus])].sort((a, b) => a - b);
    const log = (r: ModelRow): void => {
      ctx.log(`explore ${r.workload} cpus=${r.cpus}: ${r.states} states, ${r.transitions} transitions, ${r.statesPerSecond} states/s${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`);
    };
    const defaults = runModel({ cpus, workloads: DEFAULT_WORKLOADS, signal: ctx.signal, onDone: log });
    const sizing = runModel({ cpus: [3], workloads: [STRESS_WORKLOAD], signal: ctx.signal, onDone: log });
    const model = {
      rows: [...defaults.rows, ...sizing.rows],
      coverage: defaults.coverage,
      invariants: defaults.invariants,
      counterexamples: [...defaults.counterexamples, ...sizing.counterexamples],
      completed: defaults.completed + sizing.completed,
    };
    await writeModelJson(ctx.options.out, model);
    // Property suites: the deterministic runtime takes this shard's runs; real threads a tenth
    // (each run there costs real wake-ups, and shrinking re-runs it hundreds of times).
    const sharded = ctx.options.shard !== undefined;
    // abstract state coverage: the default workloads at --cpus (3) are the reachable space; the
    // deterministic suite is followed by the guided pass, threads are sampled
    const reach = abstractReachable(ctx.options.cpus);
    const props = [];
    for (const runtime of ['deterministic', 'threads'] as const) {
      if (ctx.signal.aborted) break;
      const runs = runtime === 'deterministic' ? ctx.runs : ctx.runs.slice(0, Math.max(1, Math.ceil(ctx.runs.length / 10)));
      const r = await runProperties({ runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs, sharded, abstract: reach, guided: runtime === 'deterministic', signal: ctx.signal });
      ctx.log(`check ${runtime}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${r.refinement.status}`);
      props.push(r);
    }
    // the shared kernel traces are 2-CPU recordings: their coverage is measured in the 2-CPU space
    const traceCov = new TraceCoverageCollector(abstractReachable(TRACE_CPUS));
    const traces = await checkTraces(await findTraces(DEFAULT_TRACES_DIR), (v) => {
      ctx.log(`trace check ${v.file}: ${v.events} events, ${v.ok ? 'accepted' : 'REJECTED'}`);
    }, traceCov);
    const wrongCpus = traces.filter((v) => Object.keys(v.stats.perCpuEvents).some((c) => Number(c) >= TRACE_CPUS));
    if (wrongCpus.length > 0) ctx.log(`abstract traces: ${wrongCpus.map((v) => v.file).join(', ')} not ${TRACE_CPUS}-CPU traces: their reconstruction is mapped onto the ${TRACE_CPUS}-CPU space anyway (CPUs ≥ ${TRACE_CPUS} ignored)`);
    const rejected = traces.filter((v) => !v.ok);
    // The bug catalogue with a short budget: every fault must still be caught, the correct code
    // must raise no alarm (`smpcheck audit` runs the full budget).
    const audit = ctx.signal.aborted ? null : await runAudit({
      budgetS: 1, seeds: 3, seed: ctx.options.seed, cpus: ctx.options.cpus, signal: ctx.signal,
      onFault: (f) => { ctx.log(`audit ${f.id}: ${f.caught ? 'caught' : 'SURVIVED'}`); },
    });
    if (audit !== null) await writeAuditFiles(ctx.options.out, audit);
    const abstract = abstractReport(reach, {
      properties: props.find((p) => p.config.runtime === 'deterministic'), threads: props.find((p) => p.config.runtime === 'threads'),
      traces: traces.length === 0 ? null : traceCov.result(),
    });
    for (const l of abstractLogLines(abstract)) ctx.log(l);
    const coverage = { ...mergeCoverage([model.coverage, ...props.map((p) => p.coverage)]), abstract };
    const invariants = mergeInvariants([
      model.invariants,
      audit === null ? [] : auditInvariants(audit),
      ...props.map((p) => [...p.invariants, { id: 'INV-REFINEMENT' as const, sentence: REFINEMENT_SENTENCE, status: p.refinement.status, checks: p.refinement.runs }]),
    ]);
    return {
      charts: modelCharts(coverage),
      coverage,
      invariants,
      counterexamples: [
        ...model.counterexamples,
        ...props.flatMap((p) => p.counterexamples),
        ...props.filter((p) => p.refinement.status === 'fail').map((p) => ({
          invariant: 'INV-REFINEMENT' as const, sentence: REFINEMENT_SENTENCE, message: p.refinement.message ?? 'refinement failed',
          steps: [], timeline: [], replay: `npx smpcheck check --runtime ${p.config.runtime} --cpus ${p.config.cpus} --seed ${p.config.seed} --runs ${p.config.runs}`,
        })),
        ...props.flatMap(guidedViolations),
        // A real kernel trace the model's rules reject is a finding: it fails the run like a violation.
        ...rejected.flatMap((v) => v.violations.slice(0, 3).map((viol) => ({
          invariant: viol.id, sentence: v.invariants.find((i) => i.id === viol.id)?.sentence ?? viol.id,
          message: `${v.file}: ${viol.message}`, steps: viol.lines.map((l) => `line ${l}`), timeline: [],
          replay: `npx smpcheck trace check ${v.file}`,
        }))),
      ],
      sections: [
        { title: 'Model exploration', markdownOrHtml: modelSectionHtml(model.rows) },
        { title: 'Property tests', markdownOrHtml: propertySectionHtml(props) },
        ...(audit === null ? [] : [{ title: 'Fault audit', markdownOrHtml: auditSectionHtml(audit) }]),
        ...(traces.length > 0 ? [{ title: 'Real kernel traces', markdownOrHtml: tracesSectionHtml(traces) }] : []),
      ],
      completedRuns: model.completed,
    };
  },
});
