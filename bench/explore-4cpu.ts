// The 4-CPU sizing workload (stress: 4 CPUs x 2 requests x 1 hotplug cycle), explored with the
// parallel explorer (no state-space reduction: model/README.md, "Reduction"). Its figures are merged
// as the `fourCpu` section into OUT/model.json (read, replaced, written to a temp file and renamed;
// the other sections stay); `verify` and `explore` keep that section, or write `status: "not run"`
// with this command when it is absent. Not part of `npm test`:
//   npm run explore:4cpu                      (WORKERS=2 TABLE_MB=2560 MAX_STATES=… OUT=reports)
// Memory: the fingerprint table (TABLE_MB, 8 bytes a slot, at most 3/4 full: 2560 MiB hold 251 M
// states) plus the frontier (about 40 bytes a state, state-queue.ts); the parent/event records for
// counterexamples go to files (model/trace-log.ts, 5 bytes a state). A full table stops the run
// (status "incomplete", bound names TABLE_MB/--table-mb).
// Progress: one line every 10 s on stderr (states found, distinct, queue, states/s, RSS, load),
// and one per BFS level (its size); the level sizes are kept in the section as `levels`.
// Ctrl-C stops it within a second; the partial figures are written with status "incomplete".
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { exploreParallel } from '../model/parallel-explorer.js';
import { findWorkload } from '../model/workload.js';
import { fourCpuNotRun, FOUR_CPU_COMMAND, type FourCpuRun } from '../model/explorer-four-cpu.js';
import { progressLine } from '../cli/commands/explore.js';
import { writeFileAtomic } from '../report/atomic-write.js';

function intEnv(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    process.stderr.write(`explore:4cpu: ${name}=${raw} must be an integer in ${min}..${max}\n`);
    process.exit(2);
  }
  return v;
}

const cpus = intEnv('CPUS', 4, 2, 8);
const workers = intEnv('WORKERS', 2, 1, 64);
const tableMb = intEnv('TABLE_MB', 2560, 1, 4096);
const maxStates = intEnv('MAX_STATES', 1_400_000_000, 1, 2 ** 31 - 1);
const out = process.env.OUT ?? 'reports';
const file = join(out, 'model.json');

// read the report to merge into before the long run: a malformed one is refused at once
let previous: Record<string, unknown> | null = null;
try {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not a JSON object');
  previous = parsed as Record<string, unknown>;
} catch (e) {
  const code = (e as { code?: unknown }).code;
  if (code !== 'ENOENT') {
    process.stderr.write(`explore:4cpu: ${file} is not a readable model.json (${e instanceof Error ? e.message : String(e)}); move it away or set OUT\n`);
    process.exit(2);
  }
}

const load0 = loadavg();
let last = 0;
let peakRss = 0;
/** levels[d]: distinct states first found at depth d (the BFS level sizes). */
const levels: number[] = [1];
const ac = new AbortController();
process.on('SIGINT', () => { ac.abort(); });
const r = await exploreParallel({
  cpus, workload: findWorkload('stress'), workers, tableBytes: tableMb * 2 ** 20, maxStates, coverage: false, signal: ac.signal,
  onProgress: (p) => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (p.elapsedMs - last < 10_000) return;
    last = p.elapsedMs;
    process.stderr.write(`${progressLine('stress', cpus, p)}, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB, load ${loadavg()[0]?.toFixed(2) ?? '?'}\n`);
  },
  onLevel: (l) => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (l.next === 0) return;
    levels.push(l.next);
    process.stderr.write(`level ${l.depth + 1}: ${l.next} states (${l.states} distinct, ${Math.round(l.elapsedMs / 1000)} s)\n`);
  },
});
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const round2 = (xs: readonly number[]): number[] => xs.map((x) => Number(x.toFixed(2)));
const section: FourCpuRun = {
  status: r.complete ? 'complete' : 'incomplete', command: FOUR_CPU_COMMAND, measuredAt: new Date().toISOString(),
  workload: r.config.workload, cpus: r.config.cpus, states: r.states, transitions: r.transitions, depth: r.depth,
  elapsedMs: Math.round(r.elapsedMs), statesPerSecond: r.statesPerSecond, complete: r.complete, bound: r.bound,
  violations: r.violations.map((v) => v.invariant), deadlocks: r.deadlocks, workers: r.workers, reduction: 'none',
  memory: { ...r.memory, peakRssBytes: peakRss, tableBytesRequested: tableMb * 2 ** 20 },
  loadAverage: { start: round2(load0), end: round2(loadavg()) },
  levels,
};
const body = previous ?? { schema: 'smpcheck.model/1', note: `only the 4-CPU section: run verify for the rest`, fourCpu: fourCpuNotRun() };
await writeFileAtomic(file, `${JSON.stringify({ ...body, fourCpu: section }, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(section)}\nmerged fourCpu into ${file}\n`);
