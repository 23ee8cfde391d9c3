/**
 * `coverage.md`: the coverage and invariant tables as GitHub-flavoured Markdown, short enough for a
 * PR comment or `$GITHUB_STEP_SUMMARY`. Every id is escaped: a pipe in a guard name would
 * otherwise split a cell.
 */
import type { Counterexample, CoverageCount, CoverageReport, InvariantResult } from '../model/types.js';
import { escapeMarkdownCell, markdownCode } from './escape.js';
import type { StageVerdict } from './report-input.js';
import type { AbstractCoverageReport } from '../model/abstract-coverage.js';
import { csdByTarget, pct, queueByIdle, techniqueRows, type PairTable } from './abstract-tables.js';

function pairMarkdown(rowTitle: string, t: PairTable): string[] {
  const out = [`| ${rowTitle} | ${t.cols.map(escapeMarkdownCell).join(' | ')} |`, `|---|${t.cols.map(() => '---:').join('|')}|`];
  t.rows.forEach((r, ri) => {
    const cells = t.cols.map((_, ci) => {
      const c = t.cells[ri]?.[ci];
      if (c === undefined || c.reachable === 0) return '–';
      return c.properties === null ? `${c.reachable}` : `${c.properties}/${c.reachable}`;
    });
    out.push(`| ${escapeMarkdownCell(r)} | ${cells.join(' | ')} |`);
  });
  return out;
}

/** The abstract section of coverage.md (reports/README.md documents the numbers). */
export function abstractMarkdown(r: AbstractCoverageReport, maxListed = 20): string[] {
  const lines = ['', '### Abstract state coverage', '',
    `${r.config.cpus} CPUs, workloads ${r.config.workloads.map(markdownCode).join(', ')} → ${r.reachable.states} reachable abstract states, ${r.reachable.transitions} abstract transitions.`, '',
    '| technique | states | states % | transitions | transitions % | runs | how |', '|---|---:|---:|---:|---:|---:|---|'];
  for (const { technique, t, ofStates, ofTransitions } of techniqueRows(r)) {
    if (t.status !== 'measured') {
      lines.push(`| ${technique} | – | – | – | – | – | not run: ${escapeMarkdownCell(t.note)} |`);
      continue;
    }
    const g = t.guided === undefined ? '' : `; random only ${t.guided.randomStates} states (${pct(t.guided.randomStates, ofStates)}), ${t.guided.randomTransitions} transitions (${pct(t.guided.randomTransitions, ofTransitions)})`;
    lines.push(`| ${technique}${t.projected === undefined ? '' : ' (projected)'} | ${t.states}/${ofStates} | ${pct(t.states, ofStates)} | ${t.transitions}/${ofTransitions} | ${pct(t.transitions, ofTransitions)} | ${t.runs} | ${escapeMarkdownCell(t.note + g)} |`);
  }
  lines.push('', 'CSD state × target hotplug relation (states covered by the property suite / reachable):', '', ...pairMarkdown('CSD state', csdByTarget(r)));
  lines.push('', 'Queue shape × idle mode (covered / reachable):', '', ...pairMarkdown('queue', queueByIdle(r)));
  if (r.uncovered.length > 0) {
    lines.push('', `Uncovered by the property suite (${r.uncovered.length}; shortest model path):`, '', '| state | workload | path |', '|---|---|---|');
    for (const u of r.uncovered.slice(0, maxListed)) lines.push(`| ${markdownCode(u.state)} | ${escapeMarkdownCell(u.workload)} | ${escapeMarkdownCell(u.path.join('; '))} |`);
    if (r.uncovered.length > maxListed) lines.push(`| … | | and ${r.uncovered.length - maxListed} more (see coverage.json) |`);
  }
  const ut = r.uncoveredTransitions;
  if (ut.length > 0) {
    // grouped by event kind and the follower's reason without its step number
    const why = (u: (typeof ut)[number]): string => u.reason.replace(/^step \d+ \(cpu\d+: ([A-Z_]+)\): /, 'at $1: ');
    const groups = new Map<string, number>();
    for (const u of ut) groups.set(`${u.kind}\t${why(u)}`, (groups.get(`${u.kind}\t${why(u)}`) ?? 0) + 1);
    lines.push('', `Abstract transitions not taken by the property suite (${ut.length}), by event and why the guided pass did not close them:`, '', '| event | why | transitions |', '|---|---|---:|');
    for (const [k, v] of [...groups].sort((a, b) => b[1] - a[1])) {
      const [kind = '', reason = ''] = k.split('\t');
      lines.push(`| ${markdownCode(kind)} | ${escapeMarkdownCell(reason)} | ${v} |`);
    }
    lines.push('', '| from | event | to | workload | path | why |', '|---|---|---|---|---|---|');
    for (const u of ut.slice(0, maxListed)) lines.push(`| ${markdownCode(u.from)} | ${markdownCode(u.kind)} | ${markdownCode(u.to)} | ${escapeMarkdownCell(u.workload)} | ${escapeMarkdownCell(u.path.join('; '))} | ${escapeMarkdownCell(u.reason)} |`);
    if (ut.length > maxListed) lines.push(`| … | | | | and ${ut.length - maxListed} more (see coverage.json) | |`);
  }
  return lines;
}


export function percent(c: Pick<CoverageCount, 'covered' | 'total'>): string {
  return c.total === 0 ? '–' : `${((100 * c.covered) / c.total).toFixed(1)}%`;
}

const STATUS: Readonly<Record<InvariantResult['status'], string>> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'not-checked': '➖ not checked',
};

export interface CoverageMarkdownExtras {
  readonly invariants?: readonly InvariantResult[];
  readonly counterexamples?: readonly Counterexample[];
  /** Per-stage verdicts (a table before the invariants) and the closing line. */
  readonly stages?: readonly StageVerdict[];
  readonly closing?: string;
  /** Longest list of uncovered ids printed per component before "… and N more". */
  readonly maxListed?: number;
}

export function renderCoverageMarkdown(report: CoverageReport, extras: CoverageMarkdownExtras = {}): string {
  const maxListed = extras.maxListed ?? 20;
  const lines: string[] = ['## smpcheck coverage', ''];
  lines.push(`Sources: ${report.sources.length === 0 ? '–' : report.sources.map(markdownCode).join(', ')}`, '');
  lines.push('| chart | states covered | states % | transitions covered | transitions % | uncovered | unreachable |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const c of report.components) {
    const uncovered = c.uncovered.states.length + c.uncovered.transitions.length;
    lines.push(
      `| ${escapeMarkdownCell(c.machine)} | ${c.states.covered}/${c.states.total} | ${percent(c.states)} | ${c.transitions.covered}/${c.transitions.total} | ${percent(c.transitions)} | ${uncovered} | ${c.unreachable.length} |`,
    );
  }
  for (const c of report.components) {
    const ids = [...c.uncovered.states.map((id) => ['state', id] as const), ...c.uncovered.transitions.map((id) => ['transition', id] as const)];
    if (ids.length === 0 && c.unreachable.length === 0) continue;
    lines.push('', `### ${escapeMarkdownCell(c.machine)}`);
    if (ids.length > 0) {
      lines.push('', '| uncovered | id |', '|---|---|');
      for (const [kind, id] of ids.slice(0, maxListed)) lines.push(`| ${kind} | ${markdownCode(id)} |`);
      if (ids.length > maxListed) lines.push(`| … | and ${ids.length - maxListed} more (see coverage.json) |`);
    }
    if (c.unreachable.length > 0) {
      lines.push('', '| unreachable | reason |', '|---|---|');
      for (const u of c.unreachable) lines.push(`| ${markdownCode(u.id)} | ${escapeMarkdownCell(u.reason)} |`);
    }
  }
  if (report.abstract !== undefined) lines.push(...abstractMarkdown(report.abstract, maxListed));
  const stages = extras.stages ?? [];
  if (stages.length > 0) {
    lines.push('', '### Stages', '', '| stage | verdict | detail |', '|---|---|---|');
    for (const st of stages) lines.push(`| ${markdownCode(st.stage)} | ${st.status} | ${escapeMarkdownCell(st.detail)} |`);
  }
  if (extras.invariants !== undefined && extras.invariants.length > 0) {
    lines.push('', '### Invariants', '', `| id | status | checks |${stages.map((st) => ` ${escapeMarkdownCell(st.stage)} |`).join('')} sentence |`, `|---|---|---:|${stages.map(() => '---|').join('')}---|`);
    for (const i of extras.invariants) {
      const cells = stages.map((st) => {
        const own = st.invariants.find((x) => x.id === i.id);
        return ` ${own === undefined ? '–' : STATUS[own.status]} |`;
      }).join('');
      const why = i.status === 'not-checked' && i.reason !== undefined ? ` (${escapeMarkdownCell(i.reason)})` : '';
      lines.push(`| ${markdownCode(i.id)} | ${STATUS[i.status]}${why} | ${i.checks} |${cells} ${escapeMarkdownCell(i.sentence)} |`);
    }
  }
  if (extras.counterexamples !== undefined && extras.counterexamples.length > 0) {
    lines.push('', '### Counterexamples', '');
    for (const c of extras.counterexamples) {
      lines.push(`- **${escapeMarkdownCell(c.invariant)}** violated after ${c.steps.length} steps: ${escapeMarkdownCell(c.message)}`);
      lines.push(`  replay: ${markdownCode(c.replay)}`);
    }
  }
  if (extras.closing !== undefined) lines.push('', markdownCode(extras.closing));
  return `${lines.join('\n')}\n`;
}
