/**
 * What `smpcheck stress` prints and writes: the scftorture-like accounting table (per primitive:
 * issued / ran / -ENXIO / -EBUSY, calls/s, latency percentiles), the failure totals each under its
 * invariant ID, and the greppable verdict line `End of test: SUCCESS|FAILURE`.
 */
import { describeKey } from '../impl/stress/mix.js';
import { TOTAL_INVARIANTS, type StressConfig, type StressResult, type StressTotals } from '../impl/stress/run-stress.js';

export type Verdict = 'SUCCESS' | 'FAILURE';

export function verdictOf(r: StressResult): Verdict {
  return r.ok ? 'SUCCESS' : 'FAILURE';
}

/** The last line of every stress run, like scftorture's. */
export function verdictLine(r: StressResult): string {
  return `smpcheck stress: End of test: ${verdictOf(r)}${r.interrupted ? ' (interrupted)' : ''}`;
}

const us = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(1)}ms` : `${x.toFixed(1)}µs`);

function table(head: readonly string[], rows: readonly (readonly string[])[], sep: 'text' | 'md'): string[] {
  if (sep === 'md') return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

function primitiveRows(r: StressResult): string[][] {
  return r.primitives.map((p) => [
    describeKey(p.key), String(p.issued), String(p.ran), String(p.enxio), String(p.ebusy), String(p.otherErrors), String(p.self),
    p.callsPerSec.toFixed(0), us(p.latency.p50Us), us(p.latency.p99Us), us(p.latency.p999Us), us(p.latency.maxUs),
  ]);
}
const PRIMITIVE_HEAD = ['primitive', 'issued', 'ran', '-ENXIO', '-EBUSY', 'other', 'self', 'calls/s', 'p50', 'p99', 'p99.9', 'max'];

function totalsRows(t: StressTotals): string[][] {
  return (Object.keys(TOTAL_INVARIANTS) as (keyof StressTotals)[]).map((k) => [k, String(t[k]), TOTAL_INVARIANTS[k]]);
}

export function configLine(cfg: StressConfig): string {
  return `stress: cpus=${cfg.cpus} duration=${cfg.durationMs / 1000}s seed=${cfg.seed} churn=${cfg.churnPerSec}/s `
    + `csd_lock_timeout=${cfg.csdLockTimeoutMs}ms variant=${cfg.variant?.id ?? 'none'}`;
}

/** Human summary for stdout, ending with the verdict line. */
export function stressText(cfg: StressConfig, r: StressResult, files: readonly string[]): string {
  const lines = [
    configLine(cfg),
    `stress: ${r.requests} requests in ${r.rounds} rounds, ${(r.elapsedMs / 1000).toFixed(1)} s, hotplug down ${r.hotplug.down} up ${r.hotplug.up} failed ${r.hotplug.failed}`,
    '',
    ...table(PRIMITIVE_HEAD, primitiveRows(r), 'text'),
    '',
    `failures: ${totalsRows(r.totals).map(([k, v, id]) => `${k} ${v}${v !== '0' ? ` (${id ?? ''})` : ''}`).join(', ')}`,
  ];
  if (r.failure !== null) {
    lines.push('', `first failure (round ${r.failure.round}): ${r.failure.invariant}: ${r.failure.message}`);
  }
  if (r.debugReports.length > 0) {
    lines.push('', 'lock-wait debug (csdlock_debug=1):', ...r.debugReports.slice(0, 20).map((d) => `  ${d.text}`));
    if (r.debugReports.length > 20) lines.push(`  … ${r.debugReports.length - 20} more in stress.json`);
  }
  lines.push('', `reports: ${files.join(', ')}`, verdictLine(r));
  return `${lines.join('\n')}\n`;
}

export function stressMarkdown(cfg: StressConfig, r: StressResult, traceFile: string | null): string {
  const lines = [
    '# smpcheck stress', '',
    `\`${configLine(cfg)}\``, '',
    `${r.requests} requests in ${r.rounds} rounds over ${(r.elapsedMs / 1000).toFixed(1)} s; hotplug: ${r.hotplug.down} down, ${r.hotplug.up} up, ${r.hotplug.failed} failed.`, '',
    '## Per primitive', '',
    ...table(PRIMITIVE_HEAD, primitiveRows(r), 'md'), '',
    '## Failure counts', '',
    ...table(['count', 'value', 'invariant'], totalsRows(r.totals), 'md'), '',
  ];
  if (r.failure !== null) {
    lines.push('## First failure', '', `Round ${r.failure.round}: **${r.failure.invariant}**: ${r.failure.message}`, '');
    if (traceFile !== null) lines.push(`Trace window (${r.failure.traceEvents} events, ftrace text): \`${traceFile}\``, '');
  }
  if (r.debugReports.length > 0) lines.push('## Lock-wait debug', '', '```', ...r.debugReports.map((d) => d.text), '```', '');
  lines.push(`**End of test: ${verdictOf(r)}**`, '');
  return lines.join('\n');
}
