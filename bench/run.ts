/**
 * `npm run bench`: speed of the implementation as ratios to baselines measured in the same run
 * (absolute times on a shared VM mean little; toolchain notes gotcha 8). Medians of RUNS runs.
 *   polling:  sync smp_call_function_single to a polling-idle CPU / raw spin round trip      (target ≤ 3)
 *   halted:   sync smp_call_function_single to a halted CPU / raw wait+notify round trip      (target ≤ 1.2)
 *             (both sides sleep at once there, spinLoads=0, as in the baseline; polling spins, as its baseline)
 *   rpc:      postMessage RPC round trip / sync single call to a polling-idle CPU              (target ≥ 20)
 *   det:      deterministic runtime scheduling steps per second                               (target ≥ 2 M)
 * Writes reports/bench.json and reports/bench.md (temp file, then rename).
 */
import { once } from 'node:events';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { DeterministicSystem } from '../impl/runtime/deterministic.js';
import { randomScheduler } from '../impl/runtime/schedulers.js';
import { ThreadsSystem } from '../impl/runtime/threads.js';
import { spawnWorker, siblingUrl } from '../impl/spawn.js';

const RUNS = Number(process.env.RUNS ?? 5);
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

function detStepsPerSec(): number {
  const sys = new DeterministicSystem({ cpus: 4, trace: false, scheduler: randomScheduler(7), requests: 4096 });
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
const spin: number[] = [];
const wait: number[] = [];
const rpcs: number[] = [];
const det: number[] = [];
for (let k = 0; k < RUNS; k++) {
  spin.push(await pair('spin', 100_000));
  wait.push(await pair('wait', 2_000));
  rpcs.push(await rpc(2_000));
  det.push(detStepsPerSec());
}
const poll = await ours('poll', 20_000, RUNS);
const halt = await ours('halt', 1_000, RUNS);

const m = {
  spinRttNs: median(spin), waitNotifyRttNs: median(wait), postMessageRttNs: median(rpcs),
  syncSinglePollingNs: median(poll), syncSingleHaltedNs: median(halt), detStepsPerSec: median(det),
};
const ratios = {
  pollingVsSpin: m.syncSinglePollingNs / m.spinRttNs,
  haltedVsWaitNotify: m.syncSingleHaltedNs / m.waitNotifyRttNs,
  postMessageVsPolling: m.postMessageRttNs / m.syncSinglePollingNs,
  detMStepsPerSec: m.detStepsPerSec / 1e6,
};
const targets = { pollingVsSpin: '≤ 3', haltedVsWaitNotify: '≤ 1.2', postMessageVsPolling: '≥ 20', detMStepsPerSec: '≥ 2' };
const pass = {
  pollingVsSpin: ratios.pollingVsSpin <= 3, haltedVsWaitNotify: ratios.haltedVsWaitNotify <= 1.2,
  postMessageVsPolling: ratios.postMessageVsPolling >= 20, detMStepsPerSec: ratios.detMStepsPerSec >= 2,
};
const env = { node: process.version, cores: availableParallelism(), loadavg1: loadavg()[0], runs: RUNS, date: new Date().toISOString() };
const json = { schema: 'smpcheck.bench/1', env, medians: m, samples: { spin, wait, rpcs, det, poll, halt }, ratios, targets, pass };

mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json.tmp', JSON.stringify(json, null, 2) + '\n');
renameSync('reports/bench.json.tmp', 'reports/bench.json');
const f = (x: number): string => x.toFixed(2);
const md = [
  '# smpcheck bench', '',
  `Node ${env.node}, ${env.cores} cores, load ${f(env.loadavg1 ?? 0)}, medians of ${RUNS} runs, ${env.date}.`, '',
  '| measure | median |', '|---|---|',
  `| raw spin RTT | ${f(m.spinRttNs)} ns |`, `| raw wait/notify RTT | ${f(m.waitNotifyRttNs / 1000)} µs |`,
  `| postMessage RPC RTT | ${f(m.postMessageRttNs / 1000)} µs |`, `| sync single → polling CPU | ${f(m.syncSinglePollingNs)} ns |`,
  `| sync single → halted CPU | ${f(m.syncSingleHaltedNs / 1000)} µs |`, `| deterministic steps/s | ${f(m.detStepsPerSec / 1e6)} M |`, '',
  '| ratio | value | target | pass |', '|---|---|---|---|',
  ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${f(v)} | ${targets[k as keyof typeof targets]} | ${pass[k as keyof typeof pass] ? 'yes' : 'NO'} |`), '',
];
writeFileSync('reports/bench.md.tmp', md.join('\n'));
renameSync('reports/bench.md.tmp', 'reports/bench.md');
for (const [k, v] of Object.entries(ratios)) console.log(`${k.padEnd(22)} ${f(v).padStart(8)}  (target ${targets[k as keyof typeof targets]}) ${pass[k as keyof typeof pass] ? 'ok' : 'MISSED'}`);
