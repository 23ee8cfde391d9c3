/**
 * `smpcheck audit [--budget SECONDS] [--seeds N]`: every catalogued fault (audit/catalogue.ts)
 * through the model explorer, the property suite (deterministic runtime), random and PCT stress on
 * the deterministic runtime, a threads-runtime stress and the detector checks; then the correct
 * implementation through the same configuration. Writes audit.json, audit.md and an HTML section.
 * Exit 1 when a fault survives every technique or the correct code raises an alarm.
 */
import { Option } from 'commander';
import { MEMORY_MODELS, type MemoryModel } from '../../impl/memory-models/runtime-memory.js';
import { CATALOGUE, TECHNIQUES, userEntry, type Technique } from '../../audit/catalogue.js';
import { cellText, auditSectionHtml, summaryLines, writeAuditFiles } from '../../audit/report.js';
import { runAudit } from '../../audit/run.js';
import { CoverageCounter } from '../../model/coverage.js';
import type { InvariantResult } from '../../model/types.js';
import { UsageError } from '../errors.js';
import { defineRunCommand } from '../run-command.js';
import type { AuditReport } from '../../audit/result.js';
import type { StageVerdict } from '../../report/report-input.js';

/** The `audit` stage: caught faults and no false alarm, as two invariant verdicts. */
export function auditStage(report: AuditReport, interrupted: boolean): StageVerdict {
  const s = report.summary;
  const invariants = auditInvariants(report);
  // faults not caught that the catalogue does not require anyone to catch here (say which, not "pass" silently)
  const uncaught = report.faults.filter((f) => !f.caught && !s.survivors.includes(f.id)).map((f) => f.id);
  const detail = `${s.caught}/${s.faults} faults caught${uncaught.length > 0 ? ` (not required here: ${uncaught.join(', ')}; audit.md says why)` : ''}${s.survivors.length > 0 ? `; survived: ${s.survivors.join(', ')}` : ''}${s.falseAlarms.length > 0 ? `; false alarms: ${s.falseAlarms.join(', ')}` : ''}`;
  const failed = invariants.some((i) => i.status === 'fail');
  return { stage: 'audit', invariants, status: failed ? 'fail' : interrupted ? 'interrupted' : 'pass', detail: interrupted && !failed ? `${detail}; interrupted by Ctrl-C` : detail };
}

/** `--json`'s `audit`: audit.json's per-fault results and summary. */
export function auditJson(report: AuditReport): Record<string, unknown> {
  return { config: report.config, summary: report.summary, faults: report.faults, correct: report.correct, correctByMemory: report.correctByMemory };
}

/** Audit-level checks, reported like invariants so the exit code and the report follow them. */
export function auditInvariants(report: AuditReport): InvariantResult[] {
  const s = report.summary;
  return [
    s.faults === 0
      ? { id: 'INV-AUDIT-ALL-CAUGHT', sentence: 'every catalogued fault is caught by at least one technique', status: 'not-checked', checks: 0, reason: 'no fault was audited to the end (interrupted)' }
      : { id: 'INV-AUDIT-ALL-CAUGHT', sentence: 'every catalogued fault is caught by at least one technique', status: s.survivors.length === 0 ? 'pass' : 'fail', checks: s.faults },
    report.correct.length === 0
      ? { id: 'INV-AUDIT-NO-FALSE-ALARM', sentence: 'the correct implementation and model pass the same audit configuration', status: 'not-checked', checks: 0, reason: 'the correct code was not run (interrupted)' }
      : { id: 'INV-AUDIT-NO-FALSE-ALARM', sentence: 'the correct implementation and model pass the same audit configuration', status: s.falseAlarms.length === 0 ? 'pass' : 'fail', checks: report.correct.length },
  ];
}

function positive(flag: string, max: number, int: boolean) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0 && n <= max) || (int && !Number.isInteger(n))) {
      throw new UsageError(`${flag} ${text}: must be ${int ? 'an integer' : 'a number'} greater than 0 and at most ${max}`);
    }
    return n;
  };
}

function parseOnly(text: string): string[] {
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const id of ids) {
    if (!CATALOGUE.some((e) => e.id === id || e.formerly.includes(id))) throw new UsageError(`--only ${id}: not a catalogue id (known: ${CATALOGUE.map((e) => e.id).join(', ')})`);
  }
  return ids;
}

function parseTechniques(text: string): Technique[] {
  const ts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return ts.map((t) => {
    const known = TECHNIQUES.find((x) => x === t);
    if (known === undefined) throw new UsageError(`--techniques ${t}: not a technique (known: ${TECHNIQUES.join(', ')})`);
    return known;
  });
}

function parseMemoryList(text: string): MemoryModel[] {
  const ms = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return ms.map((m) => {
    const known = MEMORY_MODELS.find((x) => x === m);
    if (known === undefined) throw new UsageError(`--memory ${m}: not a memory model (known: ${MEMORY_MODELS.join(', ')})`);
    return known;
  });
}

export const register = defineRunCommand({
  name: 'audit',
  description: 'inject every catalogued fault and check that some technique catches it; the correct code must pass the same run',
  title: 'smpcheck audit',
  defaults: { seed: 1 },
  options: ['cpus', 'seed'],
  progressTotal: () => CATALOGUE.length + 1,
  configure: (cmd) => cmd
    .addOption(new Option('--budget <seconds>', 'time budget per fault and technique (per seed for the property suite)').argParser(positive('--budget', 3600, false)).default(10))
    .addOption(new Option('--seeds <n>', 'property-suite seeds per fault it is expected to catch').argParser(positive('--seeds', 1000, true)).default(20))
    .addOption(new Option('--only <ids>', 'only these catalogue ids, comma-separated').argParser(parseOnly))
    .addOption(new Option('--techniques <list>', `only these techniques, comma-separated (${TECHNIQUES.join(', ')})`).argParser(parseTechniques))
    .addOption(new Option('--memory <list>', `memory models the property suite also runs under, comma-separated (${MEMORY_MODELS.join(', ')}; default sc)`).argParser(parseMemoryList))
    .option('--no-threads', 'skip the worker-threads stress'),
  async run(ctx, extra) {
    const budgetS = typeof extra.budget === 'number' ? extra.budget : 10;
    const seeds = typeof extra.seeds === 'number' ? extra.seeds : 20;
    const techniques = Array.isArray(extra.techniques) ? TECHNIQUES.filter((t) => (extra.techniques as unknown[]).includes(t)) : undefined;
    const selected = ctx.variant;
    const memory = Array.isArray(extra.memory) ? MEMORY_MODELS.filter((m) => (extra.memory as unknown[]).includes(m)) : undefined;
    const only = Array.isArray(extra.only) ? extra.only.filter((x): x is string => typeof x === 'string') : undefined;
    const report = await runAudit({
      budgetS, seeds, seed: ctx.options.seed, cpus: ctx.options.cpus, threads: extra.threads !== false,
      ...(selected === undefined ? {} : { entries: [userEntry(selected.variant)] }),
      ...(only === undefined ? {} : { only }), ...(techniques === undefined ? {} : { techniques }), ...(memory === undefined ? {} : { memory }), signal: ctx.signal,
      onFault: (f) => {
        ctx.progress.tick();
        ctx.log(`audit ${f.id}: ${f.caught ? 'caught' : 'SURVIVED'} | ${f.results.map((r) => `${r.technique}: ${cellText(r)}`).join(' | ')} | memory sc/tso/lkmm: ${f.byMemory.sc} / ${f.byMemory.tso} / ${f.byMemory.lkmm}`);
      },
    });
    ctx.progress.tick();
    const files = await writeAuditFiles(ctx.options.out, report);
    for (const l of summaryLines(report)) ctx.log(l);
    const stage = auditStage(report, ctx.signal.aborted);
    return {
      charts: [], coverage: new CoverageCounter(['audit']).report([]), invariants: stage.invariants, counterexamples: [],
      sections: [{ title: 'Fault audit', markdownOrHtml: auditSectionHtml(report) }],
      stages: [stage], json: { audit: auditJson(report) }, files,
      completedRuns: report.faults.length,
    };
  },
});
