/**
 * `npm run bench`: speed of the implementation as ratios to baselines measured in the same run
 * (absolute times on a shared VM mean little; toolchain notes gotcha 8). Medians of RUNS runs.
 *   polling:  sync smp_call_function_single to a polling-idle CPU / raw spin round trip      (target ≤ 3)
 *   halted:   sync smp_call_function_single to a halted CPU / raw wait+notify round trip      (target ≤ 1.2)
 *             (both sides sleep at once there, spinLoads=0, as in the baseline; polling spins, as its baseline)
 *   rpc:      postMessage RPC round trip / sync single call to a polling-idle CPU              (target ≥ 20)
 *   det:      deterministic runtime scheduling steps per second                               (target ≥ 2 M)
 *   async:    smp_call_function_single(wait=0) throughput, 2 polling CPUs (beside the spin RTT)
 *   many:     waiting smp_call_function_many to all of 4 CPUs (beside the wait/notify RTT)
 *   explore:  model explorer states/s, `stress` workload at 3 CPUs, bounded; and bench/model.ts's
 *             exploreBench: states per CPU-second on one core (target ≥ 100 k), 2-worker speed-up (≥ 1.7)
 *   props:    property suite runs/s and commands/s, deterministic runtime, 3 CPUs (bench/properties.ts API)
 *   trace:    trace check events per CPU-second: the real 2-CPU text trace (target ≥ 2 M) and the
 *             trace-cmd .dat (target ≥ 3 M), beside `trace-cmd report` on the same .dat
 * Writes reports/bench.json and reports/bench.md (temp file, then rename).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_TRACES_DIR } from '../cli/real-traces.js';
import { byteChunks, openTrace } from '../trace/open-trace.js';
import { explore } from '../model/explorer.js';
import { exploreBench } from './model.js';
import { runPropertySuite } from '../properties/suite.js';
import { checkTraceFile } from '../trace/check-file.js';
import type { MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { DeterministicSystem } from '../impl/runtime/deterministic.js';
import { randomScheduler } from '../impl/runtime/schedulers.js';
import { ThreadsSystem } from '../impl/runtime/threads.js';
import type { SmpRequest } from '../impl/requests.js';
import { spawnWorker, siblingUrl } from '../impl/spawn.js';

const RUNS = Number(process.env.RUNS ?? 5);
const LOAD_START = loadavg()[0] ?? 0;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1] ?? NaN;
};

async function pair(kind: 'spin' | 'wait', iters: number): Promise<number> {
  const sab = new SharedArrayBuffer(64);
  const mk = (role: 'A' | 'B') => spawnWorker(siblingUrl(import.meta.url, 'baseline-worker'), { workerData: { kind, role, iters, sab } });
  const a = mk('A');
  const b = mk('B');
  const exits = Promise.all([once(a, 'exit'), once(b, 'exit')]); // gotcha 3
  const [[ra]] = (await Promise.all([once(a, 'message'), once(b, 'message')])) as [[{ ns: number }], unknown];
  await exits;
  return ra.ns / iters;
}

async function rpc(iters: number): Promise<number> {
  const w = spawnWorker(siblingUrl(import.meta.url, 'baseline-worker'), { workerData: { kind: 'rpc', role: 'A', iters, sab: new SharedArrayBuffer(8) } });
  const exit = once(w, 'exit');
  const lat: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    w.postMessage(i);
    await once(w, 'message');
    lat.push(Number(process.hrtime.bigint() - t0));
  }
  w.postMessage(-1);
  await once(w, 'message');
  await exit;
  return median(lat);
}

async function ours(idle: 'poll' | 'halt', iters: number, runs: number): Promise<number[]> {
  const sys = await ThreadsSystem.start({ cpus: 2, idle, pollSpins: idle === 'poll' ? 1e9 : 0, spinLoads: idle === 'poll' ? 1e9 : 0, trace: false });
  const out: number[] = [];
  try {
    await sys.call(0, { kind: 'bench_single', target: 1, repeat: Math.min(iters, 1000) }); // warm-up
    for (let k = 0; k < runs; k++) {
      const r = await sys.call(0, { kind: 'bench_single', target: 1, repeat: iters }, 120_000);
      out.push(r.elapsedNs / iters);
    }
  } finally {
    await sys.stop();
  }
  return out;
}

/** ns per call of a bench loop (`bench_async` / `bench_many`) on a fresh system. */
async function loop(cpus: number, req: SmpRequest & { kind: 'bench_async' | 'bench_many' }, runs: number, spin: boolean): Promise<number[]> {
  const sys = await ThreadsSystem.start({ cpus, idle: 'poll', trace: false, ...(spin ? { pollSpins: 1e9, spinLoads: 1e9 } : {}) });
  const out: number[] = [];
  try {
    await sys.call(0, { ...req, repeat: Math.min(req.repeat, 1000) }); // warm-up
    for (let k = 0; k < runs; k++) {
      const r = await sys.call(0, req, 120_000);
      out.push(r.elapsedNs / req.repeat);
    }
  } finally {
    await sys.stop();
  }
  return out;
}

const REAL_TRACE = join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-tlb-membarrier.txt.xz');
const DAT_TRACE = join(DEFAULT_TRACES_DIR, 'linux-6.18-2cpu-hotplug-trace-cmd.dat');

/** The real text trace decompressed once, so the figure is the checker's own cost (not xz's). */
async function plainTrace(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'smpcheck-bench-'));
  const file = join(dir, 'real.txt');
  const chunks: Buffer[] = [];
  for await (const c of byteChunks(await openTrace(REAL_TRACE), REAL_TRACE)) chunks.push(Buffer.from(c), Buffer.from('\n'));
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

/** Parse + check events per CPU-second of this process ("per core": the issue's unit). */
async function traceEventsPerCpuSec(file: string): Promise<number> {
  const c0 = process.cpuUsage();
  const v = await checkTraceFile(file);
  const c = process.cpuUsage(c0);
  return v.events / ((c.user + c.system) / 1e6);
}

/** `trace-cmd report` on the .dat, events per CPU-second (parse and print), or null without trace-cmd. */
function traceCmdEventsPerCpuSec(events: number): number | null {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time trace-cmd report ${JSON.stringify(DAT_TRACE)} > /dev/null 2>&1`], { encoding: 'utf8' });
  const t = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || t === null) return null;
  return events / (Number(t[1]) + Number(t[2]));
}

function exploreStatesPerSec(): number {
  const r = explore({ cpus: 3, workload: 'stress', maxStates: Number(process.env.EXPLORE_STATES ?? 60_000), coverage: false, stepper: 'fast' });
  return r.statesPerSecond;
}

/** Steps/s of the deterministic runtime on a fixed workload, with the protocol's accesses under `memory`. */
function detStepsPerSec(memory: MemoryModel = 'sc'): number {
  const sys = new DeterministicSystem({ cpus: 4, trace: false, scheduler: randomScheduler(7), requests: 4096, memory });
  for (let i = 0; i < 250; i++) {
    for (let c = 0; c < 4; c++) {
      sys.call(c, i % 2 === 1 ? { kind: 'single', target: (c + 1) % 4, wait: true } : { kind: 'many', mask: [0, 1, 2, 3], wait: i % 4 === 0 });
    }
  }
  const t0 = performance.now();
  const r = sys.runToQuiescence();
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 'quiescent' || !r.accounting.ok) throw new Error(`bench: deterministic workload failed: ${r.status}`);
  return r.steps / s;
}

detStepsPerSec(); // JIT warm-up
detStepsPerSec();
detStepsPerSec('tso');
detStepsPerSec('lkmm');
const spin: number[] = [];
const wait: number[] = [];
const rpcs: number[] = [];
const det: number[] = [];
const detTso: number[] = [];
const detLkmm: number[] = [];
for (let k = 0; k < RUNS; k++) {
  spin.push(await pair('spin', 100_000));
  wait.push(await pair('wait', 2_000));
  rpcs.push(await rpc(2_000));
  det.push(detStepsPerSec());
  detTso.push(detStepsPerSec('tso'));
  detLkmm.push(detStepsPerSec('lkmm'));
}
const poll = await ours('poll', 20_000, RUNS);
const halt = await ours('halt', 1_000, RUNS);
const asyncNs = await loop(2, { kind: 'bench_async', target: 1, repeat: 20_000 }, RUNS, true);
const manyNs = await loop(4, { kind: 'bench_many', mask: [0, 1, 2, 3], repeat: 2_000 }, RUNS, false);
const plain = await plainTrace();
await traceEventsPerCpuSec(plain); // warm-up
const traceEps: number[] = [];
for (let k = 0; k < RUNS; k++) traceEps.push(await traceEventsPerCpuSec(plain));
rmSync(dirname(plain), { recursive: true, force: true });
await traceEventsPerCpuSec(DAT_TRACE); // warm-up
const datEps: number[] = [];
for (let k = 0; k < RUNS; k++) datEps.push(await traceEventsPerCpuSec(DAT_TRACE));
const datEvents = (await checkTraceFile(DAT_TRACE)).events;
const traceCmdEps = traceCmdEventsPerCpuSec(datEvents);
exploreStatesPerSec(); // warm-up
const exploreSps: number[] = [];
for (let k = 0; k < Math.min(RUNS, 3); k++) exploreSps.push(exploreStatesPerSec());
const exploreB = await exploreBench();

await runPropertySuite({ runs: 20, seed: 20261125, cpus: 3, refinementRuns: 0 }); // warm-up
const propRuns: number[] = [];
const propCommands: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const r = await runPropertySuite({ runs: 20, seed: 20261125 + k, cpus: 3, refinementRuns: 0 });
  propRuns.push(r.stats.runsPerSecond);
  propCommands.push(r.stats.commandsPerSecond);
}

const m = {
  propertyRunsPerSec: median(propRuns), propertyCommandsPerSec: median(propCommands),
  spinRttNs: median(spin), waitNotifyRttNs: median(wait), postMessageRttNs: median(rpcs),
  syncSinglePollingNs: median(poll), syncSingleHaltedNs: median(halt), detStepsPerSec: median(det), detTsoStepsPerSec: median(detTso), detLkmmStepsPerSec: median(detLkmm),
  asyncSingleNs: median(asyncNs), manyAll4Ns: median(manyNs), exploreStatesPerSec: median(exploreSps), traceEventsPerSec: median(traceEps), traceDatEventsPerSec: median(datEps),
};
const ratios = {
  pollingVsSpin: m.syncSinglePollingNs / m.spinRttNs,
  haltedVsWaitNotify: m.syncSingleHaltedNs / m.waitNotifyRttNs,
  postMessageVsPolling: m.postMessageRttNs / m.syncSinglePollingNs,
  detMStepsPerSec: m.detStepsPerSec / 1e6,
  detLkmmMStepsPerSec: m.detLkmmStepsPerSec / 1e6,
  traceMEventsPerSec: m.traceEventsPerSec / 1e6,
  traceDatMEventsPerSec: m.traceDatEventsPerSec / 1e6,
  exploreStatesPerSecPerCore: exploreB.statesPerSecPerCore,
  exploreParallelSpeedup: exploreB.parallelSpeedup,
};
const targets = { pollingVsSpin: '≤ 3', haltedVsWaitNotify: '≤ 1.2', postMessageVsPolling: '≥ 20',  detMStepsPerSec: '≥ 2', detLkmmMStepsPerSec: '≥ 1', traceMEventsPerSec: '≥ 2', traceDatMEventsPerSec: '≥ 3', exploreStatesPerSecPerCore: '≥ 100000', exploreParallelSpeedup: '≥ 1.7' };
const pass = {
  pollingVsSpin: ratios.pollingVsSpin <= 3, haltedVsWaitNotify: ratios.haltedVsWaitNotify <= 1.2,
  postMessageVsPolling: ratios.postMessageVsPolling >= 20, detMStepsPerSec: ratios.detMStepsPerSec >= 2,
  detLkmmMStepsPerSec: ratios.detLkmmMStepsPerSec >= 1,
  traceMEventsPerSec: ratios.traceMEventsPerSec >= 2,
  traceDatMEventsPerSec: ratios.traceDatMEventsPerSec >= 3,
  exploreStatesPerSecPerCore: ratios.exploreStatesPerSecPerCore >= 100_000,
  exploreParallelSpeedup: ratios.exploreParallelSpeedup >= 1.7,
};
/** Figures without a target, each beside the baseline it is read against. */
const context = {
  asyncVsSpin: m.asyncSingleNs / m.spinRttNs,
  manyAll4VsWaitNotify: m.manyAll4Ns / m.waitNotifyRttNs,
  /** native .dat check ÷ `trace-cmd report` on the same file, both per CPU-second (null: no trace-cmd) */
  datVsTraceCmdReport: traceCmdEps === null ? null : m.traceDatEventsPerSec / traceCmdEps,
  traceCmdReportEventsPerCpuSec: traceCmdEps,
  /** explorer: stress 3 CPUs per wall second; speed-up run (4 CPUs, first N states), its workers and CPU ratio */
  exploreStatesPerSecWall: exploreB.statesPerSecWall, exploreSpeedupStates: exploreB.states, exploreWorkers: exploreB.workers,
  exploreParallelCpuRatio: exploreB.parallelCpuRatio,
};
const env = { node: process.version, cores: availableParallelism(), loadavg1: loadavg()[0], loadavgStart: LOAD_START, runs: RUNS, date: new Date().toISOString() };
const json = {
  schema: 'smpcheck.bench/2', env, medians: m,
  samples: { spin, wait, rpcs, det, detTso, detLkmm, poll, halt, async: asyncNs, many: manyNs, explore: exploreSps, trace: traceEps, traceDat: datEps, propertyRuns: propRuns, propertyCommands: propCommands },
  ratios, targets, pass, context,
};

mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json.tmp', JSON.stringify(json, null, 2) + '\n');
renameSync('reports/bench.json.tmp', 'reports/bench.json');
const f = (x: number): string => x.toFixed(2);
const md = [
  '# smpcheck bench', '',
  `Node ${env.node}, ${env.cores} cores, load average ${f(LOAD_START)} at start / ${f(env.loadavg1 ?? 0)} at end (shared machine: figures are noisy), medians of ${RUNS} runs, ${env.date}.`, '',
  '## Cross-CPU calls (threads runtime) beside their baselines', '',
  '| measure | median | baseline (same run) |', '|---|---|---|',
  `| sync single → polling CPU | ${f(m.syncSinglePollingNs)} ns | raw spin RTT ${f(m.spinRttNs)} ns |`,
  `| sync single → halted CPU | ${f(m.syncSingleHaltedNs / 1000)} µs | raw wait/notify RTT ${f(m.waitNotifyRttNs / 1000)} µs |`,
  `| sync single → polling CPU | ${f(m.syncSinglePollingNs)} ns | postMessage RPC RTT ${f(m.postMessageRttNs / 1000)} µs |`,
  `| async single (wait=0), 2 polling CPUs | ${f(m.asyncSingleNs)} ns/call = ${f(1e3 / m.asyncSingleNs)} M calls/s | raw spin RTT ${f(m.spinRttNs)} ns (×${f(context.asyncVsSpin)}) |`,
  `| many (wait) to all 4 CPUs | ${f(m.manyAll4Ns / 1000)} µs/call | raw wait/notify RTT ${f(m.waitNotifyRttNs / 1000)} µs (×${f(context.manyAll4VsWaitNotify)}) |`, '',
  '## Checkers', '',
  '| measure | median |', '|---|---|',
  `| deterministic runtime scheduling steps/s, --memory sc / tso / lkmm | ${f(m.detStepsPerSec / 1e6)} M / ${f(m.detTsoStepsPerSec / 1e6)} M / ${f(m.detLkmmStepsPerSec / 1e6)} M |`,
  `| explorer states/s (stress workload, 3 CPUs, first ${process.env.EXPLORE_STATES ?? 60_000} states) | ${m.exploreStatesPerSec.toFixed(0)} |`,
  `| trace check events per CPU-second (linux-6.18-2cpu-tlb-membarrier.txt, decompressed, parse + check) | ${f(m.traceEventsPerSec / 1e6)} M |`,
  `| trace check events per CPU-second (linux-6.18-2cpu-hotplug-trace-cmd.dat, native read + check, incl. opening) | ${f(m.traceDatEventsPerSec / 1e6)} M${traceCmdEps === null ? ' (trace-cmd not installed: no side-by-side figure)' : `; trace-cmd report on the same file ${f(traceCmdEps / 1e6)} M (×${f(context.datVsTraceCmdReport ?? 0)})`} |`,
  `| property runs/s, commands/s (20 runs × each invariant property, deterministic, 3 CPUs) | ${m.propertyRunsPerSec.toFixed(0)} runs/s, ${m.propertyCommandsPerSec.toFixed(0)} commands/s |`, '',
  '## Targets', '',
  '| ratio | value | target | met |', '|---|---|---|---|',
  ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${f(v)} | ${targets[k as keyof typeof targets]} | ${pass[k as keyof typeof pass] ? 'met' : 'missed'} |`), '',
];
writeFileSync('reports/bench.md.tmp', md.join('\n'));
renameSync('reports/bench.md.tmp', 'reports/bench.md');
console.log(`load average ${f(LOAD_START)} at start, ${f(env.loadavg1 ?? 0)} at end; medians of ${RUNS}`);
for (const [k, v] of Object.entries(ratios)) console.log(`${k.padEnd(22)} ${f(v).padStart(8)}  (target ${targets[k as keyof typeof targets]}) ${pass[k as keyof typeof pass] ? 'met' : 'missed'}`);
console.log(`asyncSingleNs          ${f(m.asyncSingleNs).padStart(8)}  (spin RTT ${f(m.spinRttNs)} ns)`);
console.log(`manyAll4Us             ${f(m.manyAll4Ns / 1000).padStart(8)}  (wait/notify RTT ${f(m.waitNotifyRttNs / 1000)} µs)`);
console.log(`detStepsPerSec sc/tso/lkmm ${f(m.detStepsPerSec / 1e6)} / ${f(m.detTsoStepsPerSec / 1e6)} / ${f(m.detLkmmStepsPerSec / 1e6)} M`);
console.log(`exploreStatesPerSec    ${m.exploreStatesPerSec.toFixed(0).padStart(8)}`);
console.log(`propertyRunsPerSec     ${m.propertyRunsPerSec.toFixed(0).padStart(8)}  (${m.propertyCommandsPerSec.toFixed(0)} commands/s)`);
