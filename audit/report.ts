/**
 * audit.json, audit.md and the HTML section of an audit: one row per fault, one column per
 * technique ("caught by INV-… in 12 ms / 3 runs, shrunk to 4"), then the correct implementation's
 * row (must be clean) and the summary figures against the targets.
 */
import { writeFileAtomic } from '../report/atomic-write.js';
import { join } from 'node:path';
import { tableHtml } from '../report/table-html.js';
import { TECHNIQUES } from './catalogue.js';
import type { AuditReport, ByMemory, TechniqueResult } from './result.js';

const HEAD = ['fault', 'model', 'props (det. runtime)', 'det. random', 'det. PCT', 'threads (scftorture-style)', 'detector', 'props --memory sc', 'props --memory tso', 'props --memory lkmm'];

function memCells(b: ByMemory, correct = false): string[] {
  return [b.sc, b.tso, b.lkmm].map((v) => (correct ? (v === 'caught' ? 'FALSE ALARM' : v === 'missed' ? 'clean' : v) : v));
}

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}

export function cellText(r: TechniqueResult): string {
  if (r.status === 'n/a') return '-';
  const seeds = r.seeds === undefined ? '' : `, ${r.seeds.caught}/${r.seeds.total} seeds${r.seeds.medianMs === null ? '' : `, median ${ms(r.seeds.medianMs)}`}`;
  if (r.status === 'missed') return `missed (${r.runs} ${r.technique === 'model' ? 'states' : 'runs'}, ${ms(r.timeMs)}${seeds})`;
  const unit = r.technique === 'model' ? 'states' : 'runs';
  return `${r.invariant ?? '?'} in ${ms(r.timeMs)} / ${r.runs} ${unit}${r.ceLength === null ? '' : `, ce ${r.ceLength}`}${seeds}`;
}

function rows(a: AuditReport): string[][] {
  const pick = (rs: readonly TechniqueResult[]): string[] => TECHNIQUES.map((t) => {
    const r = rs.find((x) => x.technique === t);
    return r === undefined ? '-' : cellText(r);
  });
  return [
    ...a.faults.map((f) => [`${a.summary.survivors.includes(f.id) ? 'SURVIVED ' : ''}${f.id}`, ...pick(f.results), ...memCells(f.byMemory)]),
    ['(correct implementation and model: must be clean)', ...a.correct.map((r) => (r.status === 'caught' ? `FALSE ALARM ${cellText(r)}` : cellText(r).replace(/^missed/, 'clean'))), ...memCells(a.correctByMemory, true)],
  ];
}

export function summaryLines(a: AuditReport): string[] {
  const s = a.summary;
  return [
    `faults caught by at least one technique: ${s.caught}/${s.faults} (${s.faults === 0 ? 0 : Math.round((100 * s.caught) / s.faults)}%)${s.survivors.length > 0 ? `; SURVIVORS: ${s.survivors.join(', ')}` : ''}`,
    `correct implementation and model: ${s.falseAlarms.length === 0 ? 'no false alarm' : `FALSE ALARMS: ${s.falseAlarms.join('; ')}`}`,
    `property suite (deterministic runtime), faults it reaches: ${s.props.atLeast19of20}/${s.props.faults} caught in ≥ 95% of seeds (worst ${s.props.worstSeeds}), largest median time-to-detect ${s.props.worstMedianMs === null ? '-' : ms(s.props.worstMedianMs)}`,
    `budget ${a.config.budgetS} s per fault and technique, ${a.config.seeds} property seeds, base seed ${a.config.seed}, ${a.config.cpus} CPUs; audit took ${ms(s.elapsedMs)}`,
  ];
}

export function auditMarkdown(a: AuditReport): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const r = rows(a);
  const lines = [
    '# smpcheck audit', '',
    ...summaryLines(a).map((l) => `- ${l}`), '',
    `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`,
    ...r.map((row) => `| ${row.map(esc).join(' | ')} |`), '',
    'The props --memory columns: the property suite (one seed, the same budget) with the protocol\'s kernel-memory accesses under sc, x86-TSO or the operational LKMM (impl/README.md); barrier faults are caught only under a weak model.', '',
    'Cells: first invariant (or detector) that failed, time and runs (model: states) to the first failure, counterexample length after shrinking (ce), and for the property suite the seeds that caught it.', '',
    '## Faults', '',
    ...a.faults.flatMap((f) => [
      `- **${f.id}** (${f.implFunctions.length === 0 ? 'model only' : `impl ${f.implFunctions.map((x) => `\`${x}\``).join(', ')}`}${f.modelRules.length === 0 ? '' : `, model ${f.modelRules.map((x) => `\`${x}\``).join(', ')}`}${f.formerly.length === 0 ? '' : `; formerly ${f.formerly.join(', ')}`}): breaks ${f.breaks.join(', ')}; origin ${f.origin}; expected ${f.expected.length === 0 ? 'by no sc technique' : f.expected.join(', ')}${f.expectedMemory.length > 0 ? `; expected under --memory ${f.expectedMemory.join(', ')}${f.expectedMemory.some((m) => f.byMemory[m] !== 'caught') ? ' (NOT ALL CAUGHT)' : ''}` : ''}${f.expectedMissed.length > 0 ? `; EXPECTED BUT MISSED by ${f.expectedMissed.join(', ')}` : ''}`,
    ]),
    '',
  ];
  return lines.join('\n');
}

export function auditSectionHtml(a: AuditReport): string {
  return `<ul>${summaryLines(a).map((l) => `<li>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</li>`).join('')}</ul>\n${tableHtml(HEAD, rows(a))}`;
}

export async function writeAuditFiles(out: string, a: AuditReport): Promise<string[]> {
  const json = join(out, 'audit.json');
  const md = join(out, 'audit.md');
  await writeFileAtomic(json, JSON.stringify(a, null, 2) + '\n');
  await writeFileAtomic(md, auditMarkdown(a));
  return [json, md];
}
