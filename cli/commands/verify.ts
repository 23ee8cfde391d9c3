/**
 * `smpcheck verify`: the main job. Exhaustive model exploration of every default workload at 2 and
 * 3 CPUs (and --cpus), the 3 CPUs × 2 requests × 1 hotplug sizing workload, then everything else
 * the kit has, all into one report folder. Exit 0 only if every invariant holds everywhere.
 */
import { DEFAULT_WORKLOADS, STRESS_WORKLOAD } from '../../model/index.js';
import { tableHtml } from '../../report/table-html.js';
import { modelCharts, modelVariantOf, runModel, writeModelJson, type ModelRow } from '../model-run.js';
import { selectedVariant } from '../options.js';
import { mergeCoverage, mergeInvariants } from '../../report/merge.js';
import { REFINEMENT_SENTENCE } from './check.js';
import { auditInvariants } from './audit.js';
import { auditSectionHtml, writeAuditFiles } from '../../audit/report.js';
import { runAudit } from '../../audit/run.js';
import { propertySectionHtml, runProperties } from '../property-run.js';
import { checkTraces, DEFAULT_TRACES_DIR, findTraces, tracesSectionHtml } from '../real-traces.js';
import { defineRunCommand } from '../run-command.js';

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
  async run(ctx, extra) {
    // --variant: the model stage explores its rules (if it has any), the property suites run it
    const selected = await selectedVariant(extra);
    const mv = selected === undefined || selected.variant.model === null ? undefined : modelVariantOf(selected);
    const cpus = [...new Set([2, 3, ctx.options.cpus])].sort((a, b) => a - b);
    const log = (r: ModelRow): void => {
      ctx.log(`explore ${r.workload} cpus=${r.cpus}: ${r.states} states, ${r.transitions} transitions, ${r.statesPerSecond} states/s${r.violations.length > 0 ? `, violated ${r.violations.join(' ')}` : ''}`);
    };
    const defaults = runModel({ cpus, workloads: [...DEFAULT_WORKLOADS, ...(selected?.variant.workloads ?? [])], fault: mv, signal: ctx.signal, onDone: log });
    const sizing = runModel({ cpus: [3], workloads: [STRESS_WORKLOAD], fault: mv, signal: ctx.signal, onDone: log });
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
    const props = [];
    for (const runtime of ['deterministic', 'threads'] as const) {
      if (ctx.signal.aborted) break;
      const runs = runtime === 'deterministic' ? ctx.runs : ctx.runs.slice(0, Math.max(1, Math.ceil(ctx.runs.length / 10)));
      const r = await runProperties({ runtime, cpus: ctx.options.cpus, seed: ctx.options.seed, runs, sharded, variant: selected });
      ctx.log(`check ${runtime}: ${r.stats.runs} runs, ${r.stats.commands} commands, ${r.stats.runsPerSecond} runs/s; refinement ${r.refinement.status}`);
      props.push(r);
    }
    const traces = await checkTraces(await findTraces(DEFAULT_TRACES_DIR), (v) => {
      ctx.log(`trace check ${v.file}: ${v.events} events, ${v.ok ? 'accepted' : 'REJECTED'}`);
    });
    const rejected = traces.filter((v) => !v.ok);
    // The bug catalogue with a short budget: every fault must still be caught, the correct code
    // must raise no alarm (`smpcheck audit` runs the full budget).
    const audit = ctx.signal.aborted ? null : await runAudit({
      budgetS: 1, seeds: 3, seed: ctx.options.seed, cpus: ctx.options.cpus, signal: ctx.signal,
      onFault: (f) => { ctx.log(`audit ${f.id}: ${f.caught ? 'caught' : 'SURVIVED'}`); },
    });
    if (audit !== null) await writeAuditFiles(ctx.options.out, audit);
    const coverage = mergeCoverage([model.coverage, ...props.map((p) => p.coverage)]);
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
