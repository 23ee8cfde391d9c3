/**
 * `smpcheck trace check <file>`: validate a real (or exported) ftrace text trace against the
 * trace-level abstraction of the protocol. Exit 0 accepted, 1 violations, 2 input error.
 */
import type { Command } from 'commander';
import { checkTraceFile } from '../../trace/check-file.js';
import { TraceInputError } from '../../trace/open-trace.js';
import { DEFAULT_WINDOW, parseWindow, type TimelineWindow } from '../../trace/timeline.js';
import type { TraceVerdict } from '../../trace/verdict.js';

interface TraceCheckFlags {
  readonly json?: boolean;
  readonly lenient?: boolean;
  readonly window?: string;
}

/** The process exit code is set at 'exit' so that main's own `process.exitCode = 0` cannot mask it. */
function exitWith(code: number): void {
  process.exitCode = code;
  process.once('exit', () => {
    process.exitCode = code;
  });
}

function fail(file: string, message: string): void {
  process.stderr.write(`smpcheck: ${message.startsWith(file) ? message : `${file}: ${message}`}\n`);
  exitWith(2);
}

function pct(n: number, d: number): string {
  return d === 0 ? '0%' : `${((100 * n) / d).toFixed(1)}%`;
}

/** Human summary: parameters, invariants, violations with lines, categories, and the verdict line. */
export function formatVerdict(v: TraceVerdict): string {
  const out: string[] = [];
  out.push(`smpcheck trace check ${v.file}`);
  out.push(`  lines ${v.lines}, events ${v.events}, skipped ${Object.values(v.skipped).reduce((a, b) => a + b, 0)} (${Object.keys(v.skipped).length} other event kinds), warnings ${v.warnings.count}`);
  const h = v.header;
  out.push(`  header: entries-in-buffer/written ${h.entriesInBuffer ?? '?'}/${h.entriesWritten ?? '?'}, cpus ${h.cpus ?? '?'}, ${h.overflowed ? `overflowed: events before ${h.incompleteUntil ?? '?'} may be incomplete` : 'no overflow'}`);
  for (const inv of v.invariants) out.push(`  ${inv.status.padEnd(11)} ${inv.id} (${inv.status === 'not-checked' ? inv.reason ?? 'nothing to decide' : `${inv.checks} checks`})`);
  for (const viol of v.violations) out.push(`  ✗ ${viol.message}  [lines ${viol.lines.join(', ')}]`);
  const stored = v.violations.length;
  const total = Object.values(v.violationCounts).reduce((a, b) => a + b, 0);
  if (total > stored) out.push(`  … ${total - stored} more violations (counts: ${JSON.stringify(v.violationCounts)})`);
  const c = v.categories;
  const queued = v.stats.perFunction.reduce((a, f) => a + f.queued, 0);
  out.push(`  completed-unobserved: ${c.completedUnobserved.count} of ${queued} queued requests (${pct(c.completedUnobserved.count, queued)}) ${JSON.stringify(c.completedUnobserved.byKind)}`);
  for (const ex of c.completedUnobserved.examples.slice(0, 3)) out.push(`      e.g. ${ex.func} csd=${ex.csd}: ${ex.message}`);
  out.push(`  ttwu batched: ${c.ttwuBatched.count}; open (window edges): ${c.open.count} ${JSON.stringify(c.open.byKind)}; undecided: ${c.undecided.count} ${JSON.stringify(c.undecided.byKind)}`);
  if (v.hotplug.length > 0) {
    const at = (m: { line: number } | null): string => (m === null ? '?' : String(m.line));
    out.push(`  hotplug: ${v.hotplug.map((w) => `cpu${w.cpu} down@${at(w.down)} offline@${at(w.offline)} prepare@${at(w.prepare)} online@${at(w.online)}`).join('; ')}`);
  }
  for (const f of v.stats.perFunction) {
    out.push(`  ${f.func}: queued ${f.queued}, entered ${f.entered}, local ${f.local}; queue→entry p50/p99/max ${f.queueToEntry.p50}/${f.queueToEntry.p99}/${f.queueToEntry.max} µs; entry→exit p50/p99/max ${f.entryToExit.p50}/${f.entryToExit.p99}/${f.entryToExit.max} µs`);
  }
  const k = v.stats.kicks;
  out.push(`  kicks: ipi_send_cpu ${k.ipiSendCpu}, ipi_send_cpumask ${k.ipiSendCpumask}, idle without ipi ${k.idleWithoutIpi}; adds checked for INV-KICK ${k.provablyEmptyAdds}, undecided ${k.undecidedAdds}; requests per kick mean ${k.meanRequestsPerKick} ${JSON.stringify(k.requestsPerKick)}`);
  const failed = v.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
  out.push(`smpcheck: End of run: ${v.ok ? 'SUCCESS' : `FAILURE (${failed.join(', ')})`}`);
  return out.join('\n') + '\n';
}

async function run(file: string, flags: TraceCheckFlags): Promise<void> {
  let window: TimelineWindow = DEFAULT_WINDOW;
  if (flags.window !== undefined) {
    try {
      window = parseWindow(flags.window);
    } catch (e) {
      process.stderr.write(`smpcheck: ${e instanceof Error ? e.message : String(e)}\n`);
      exitWith(2);
      return;
    }
  }
  let verdict: TraceVerdict;
  try {
    verdict = await checkTraceFile(file, { lenient: flags.lenient === true, window });
  } catch (e) {
    if (e instanceof TraceInputError) {
      fail(file, e.message);
      return;
    }
    fail(file, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  process.stdout.write(flags.json === true ? `${JSON.stringify(verdict, null, 1)}\n` : formatVerdict(verdict));
  exitWith(verdict.ok ? 0 : 1);
}

export function register(program: Command): void {
  const trace = program.commands.find((c) => c.name() === 'trace') ?? program.command('trace').description('Work with kernel ftrace traces');
  trace
    .command('check')
    .description('Validate a kernel trace of kernel/smp.c events against the protocol: ftrace text or trace-cmd trace.dat (v6/v7), plain, .gz or .xz')
    .argument('<file>', 'the tracefs `trace` file, trace_pipe output, `trace-cmd report` text, or a trace-cmd trace.dat')
    .option('--json', 'print the verdict, categories and statistics as JSON')
    .option('--lenient', 'count malformed lines as warnings instead of failing')
    .option('--window <from:to>', 'timeline window in trace seconds, e.g. 6620.82:6620.83')
    .action(async (file: string, flags: TraceCheckFlags) => {
      await run(file, flags);
    });
}
