// The 4-CPU sizing workload (stress: 4 CPUs x 2 requests x 1 hotplug cycle), explored exhaustively
// with the parallel explorer; its figures go to reports/model.json (the row carries states,
// transitions, states/s, workers and memory). Not part of `npm test`:
//   npm run explore:4cpu                      (WORKERS=2 TABLE_MB=1024 MAX_STATES=… OUT=reports)
// Progress: one line every 10 s on stderr (states found, distinct, queue, states/s, RSS).
import { exploreParallel } from '../model/parallel-explorer.js';
import { findWorkload } from '../model/workload.js';
import { mergeCoverage, mergeInvariants } from '../report/merge.js';
import { writeModelJson } from '../cli/model-run.js';
import { progressLine } from '../cli/commands/explore.js';
import { ensureDir } from '../report/ensure-dir.js';
import { loadavg } from 'node:os';

const cpus = Number(process.env.CPUS ?? 4);
const workers = Number(process.env.WORKERS ?? 2);
const tableMb = Number(process.env.TABLE_MB ?? 1024);
const maxStates = Number(process.env.MAX_STATES ?? 1_400_000_000);
const out = process.env.OUT ?? 'reports';
const load0 = loadavg();
let last = 0;
let peakRss = 0;
const ac = new AbortController();
process.on('SIGINT', () => { ac.abort(); });
const r = await exploreParallel({
  cpus, workload: findWorkload('stress'), workers, tableBytes: tableMb * 2 ** 20, maxStates, coverage: true, signal: ac.signal,
  onProgress: (p) => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (p.elapsedMs - last < 10_000) return;
    last = p.elapsedMs;
    process.stderr.write(`${progressLine('stress', cpus, p)}, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB, load ${loadavg()[0]?.toFixed(2) ?? '?'}\n`);
  },
});
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const row = {
  workload: r.config.workload, cpus: r.config.cpus, fault: null, states: r.states, transitions: r.transitions, depth: r.depth,
  elapsedMs: Math.round(r.elapsedMs), statesPerSecond: r.statesPerSecond, complete: r.complete, bound: r.bound, deadlocks: r.deadlocks,
  violations: r.violations.map((v) => v.invariant), workers: r.workers,
  memory: { ...r.memory, peakRssBytes: peakRss }, search: { workers: r.workers, tableBytes: tableMb * 2 ** 20 },
  loadAverage: { start: load0.map((x) => Number(x.toFixed(2))), end: loadavg().map((x) => Number(x.toFixed(2))) },
  command: 'npm run explore:4cpu',
};
await ensureDir(out);
const file = await writeModelJson(out, {
  rows: [row], coverage: mergeCoverage([r.coverage]), invariants: mergeInvariants([r.invariants]), counterexamples: r.violations, completed: 1,
});
process.stdout.write(`${JSON.stringify(row)}\nwrote ${file}\n`);
