/**
 * The bench report: samples of one `npm run bench` run → medians, the ratios under stable keys,
 * their targets and verdicts, written to reports/bench.json and reports/bench.md (temp file, then
 * rename). Kept apart from the measuring (bench/run.ts) so a test can feed it fake samples.
 *
 * Stable ratio keys (issue 13): pollingVsSpin, haltedVsWaitNotify, postMessageVsPolling,
 * detMStepsPerSec, exploreStatesPerSecPerCore, traceMEventsPerSec, and exploreParallelSpeedup
 * when the bench measured it (null otherwise). Others beside them: detLkmmMStepsPerSec,
 * traceDatMEventsPerSec.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_SCHEMA = 'smpcheck.bench/3';

/** Every series of one run (ns per operation, or per-second rates where the name says so). */
export interface BenchSamples {
  readonly spin: readonly number[];
  readonly wait: readonly number[];
  readonly rpcs: readonly number[];
  readonly det: readonly number[];
  readonly detTso: readonly number[];
  readonly detLkmm: readonly number[];
  readonly poll: readonly number[];
  readonly halt: readonly number[];
  /** the same sync calls on the generator form of the protocol (plain form above) */
  readonly pollGenerators: readonly number[];
  readonly async: readonly number[];
  readonly many: readonly number[];
  /** explorer states/s, one core */
  readonly explore: readonly number[];
  /** explorer states per CPU-second on one core, sizing workload at 3 CPUs (bench/model.ts; absent: use `explore`) */
  readonly explorePerCore?: readonly number[];
  /** explorer speed-up with all cores over one (absent: not measured in this run) */
  readonly exploreParallel?: readonly number[];
  readonly trace: readonly number[];
  readonly traceDat: readonly number[];
  readonly propertyRuns: readonly number[];
  readonly propertyCommands: readonly number[];
}

export interface BenchEnv {
  readonly node: string;
  readonly cores: number;
  readonly loadavgStart: number;
  readonly loadavg1: number;
  readonly runs: number;
  readonly date: string;
  /** how the threads runtime ran the protocol (ThreadsSystem.formNote) */
  readonly protocolForm: string;
  readonly exploreStates: number;
}

export const RATIO_KEYS = [
  'pollingVsSpin', 'haltedVsWaitNotify', 'postMessageVsPolling', 'detMStepsPerSec', 'exploreStatesPerSecPerCore',
  'exploreParallelSpeedup', 'traceMEventsPerSec', 'detLkmmMStepsPerSec', 'traceDatMEventsPerSec',
] as const;
export type RatioKey = (typeof RATIO_KEYS)[number];

const TARGETS: Readonly<Record<RatioKey, { readonly text: string; readonly met: (v: number) => boolean }>> = {
  pollingVsSpin: { text: '≤ 3', met: (v) => v <= 3 },
  haltedVsWaitNotify: { text: '≤ 1.2', met: (v) => v <= 1.2 },
  postMessageVsPolling: { text: '≥ 20', met: (v) => v >= 20 },
  detMStepsPerSec: { text: '≥ 2', met: (v) => v >= 2 },
  exploreStatesPerSecPerCore: { text: '≥ 100000', met: (v) => v >= 100_000 },
  exploreParallelSpeedup: { text: '≥ 1.7', met: (v) => v >= 1.7 },
  traceMEventsPerSec: { text: '≥ 2', met: (v) => v >= 2 },
  detLkmmMStepsPerSec: { text: '≥ 1', met: (v) => v >= 1 },
  traceDatMEventsPerSec: { text: '≥ 3', met: (v) => v >= 3 },
};

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? (s[n >> 1] ?? NaN) : ((s[n / 2 - 1] ?? NaN) + (s[n / 2] ?? NaN)) / 2;
};

export interface BenchJson {
  readonly schema: string;
  readonly env: BenchEnv;
  readonly medians: Readonly<Record<string, number>>;
  readonly samples: BenchSamples;
  /** every ratio of the run under its stable key; null = not measured */
  readonly ratios: Readonly<Record<RatioKey, number | null>>;
  readonly targets: Readonly<Record<RatioKey, string>>;
  /** met / missed; null = not measured */
  readonly pass: Readonly<Record<RatioKey, boolean | null>>;
  readonly context: Readonly<Record<string, number | null>>;
}

/** Medians, ratios, targets and verdicts of one run's samples. */
export function benchJson(
  s: BenchSamples, env: BenchEnv, traceCmdEventsPerCpuSec: number | null, extraContext: Readonly<Record<string, number | null>> = {},
): BenchJson {
  const m = {
    propertyRunsPerSec: median(s.propertyRuns), propertyCommandsPerSec: median(s.propertyCommands),
    spinRttNs: median(s.spin), waitNotifyRttNs: median(s.wait), postMessageRttNs: median(s.rpcs),
    syncSinglePollingNs: median(s.poll), syncSinglePollingGeneratorsNs: median(s.pollGenerators), syncSingleHaltedNs: median(s.halt),
    detStepsPerSec: median(s.det), detTsoStepsPerSec: median(s.detTso), detLkmmStepsPerSec: median(s.detLkmm),
    asyncSingleNs: median(s.async), manyAll4Ns: median(s.many), exploreStatesPerSec: median(s.explore),
    traceEventsPerSec: median(s.trace), traceDatEventsPerSec: median(s.traceDat),
  };
  const par = s.exploreParallel === undefined || s.exploreParallel.length === 0 ? null : median(s.exploreParallel);
  const ratios: Record<RatioKey, number | null> = {
    pollingVsSpin: m.syncSinglePollingNs / m.spinRttNs,
    haltedVsWaitNotify: m.syncSingleHaltedNs / m.waitNotifyRttNs,
    postMessageVsPolling: m.postMessageRttNs / m.syncSinglePollingNs,
    detMStepsPerSec: m.detStepsPerSec / 1e6,
    exploreStatesPerSecPerCore: s.explorePerCore === undefined || s.explorePerCore.length === 0 ? m.exploreStatesPerSec : median(s.explorePerCore),
    exploreParallelSpeedup: par,
    traceMEventsPerSec: m.traceEventsPerSec / 1e6,
    detLkmmMStepsPerSec: m.detLkmmStepsPerSec / 1e6,
    traceDatMEventsPerSec: m.traceDatEventsPerSec / 1e6,
  };
  const targets = {} as Record<RatioKey, string>;
  const pass = {} as Record<RatioKey, boolean | null>;
  for (const k of RATIO_KEYS) {
    const v = ratios[k];
    targets[k] = TARGETS[k].text;
    pass[k] = v === null || !Number.isFinite(v) ? null : TARGETS[k].met(v);
  }
  const context = {
    /** the plain form's speed-up over the generator form on the same sync call */
    plainVsGenerators: m.syncSinglePollingGeneratorsNs / m.syncSinglePollingNs,
    asyncVsSpin: m.asyncSingleNs / m.spinRttNs,
    manyAll4VsWaitNotify: m.manyAll4Ns / m.waitNotifyRttNs,
    /** native .dat check ÷ `trace-cmd report` on the same file, both per CPU-second (null: no trace-cmd) */
    datVsTraceCmdReport: traceCmdEventsPerCpuSec === null ? null : m.traceDatEventsPerSec / traceCmdEventsPerCpuSec,
    traceCmdReportEventsPerCpuSec: traceCmdEventsPerCpuSec,
    ...extraContext,
  };
  return { schema: BENCH_SCHEMA, env, medians: m, samples: s, ratios, targets, pass, context };
}

const f = (x: number | null): string => (x === null ? 'not measured' : x.toFixed(2));

/** The lines `npm run bench` prints: the load average, then every ratio with its target. */
export function benchSummary(j: BenchJson): string[] {
  const m = j.medians;
  const out = [`load average ${f(j.env.loadavgStart)} at start, ${f(j.env.loadavg1)} at end (${j.env.cores} cores); medians of ${j.env.runs}; threads runtime: ${j.env.protocolForm}`];
  for (const k of RATIO_KEYS) {
    const p = j.pass[k];
    out.push(`${k.padEnd(28)} ${f(j.ratios[k]).padStart(12)}  (target ${j.targets[k]}) ${p === null ? 'not measured' : p ? 'met' : 'missed'}`);
  }
  out.push(`syncSinglePollingNs          ${f(m.syncSinglePollingNs ?? NaN).padStart(12)}  (spin RTT ${f(m.spinRttNs ?? NaN)} ns; generator form ${f(m.syncSinglePollingGeneratorsNs ?? NaN)} ns)`);
  out.push(`syncSingleHaltedNs           ${f(m.syncSingleHaltedNs ?? NaN).padStart(12)}  (wait/notify RTT ${f(m.waitNotifyRttNs ?? NaN)} ns)`);
  out.push(`asyncSingleNs                ${f(m.asyncSingleNs ?? NaN).padStart(12)}  (spin RTT ${f(m.spinRttNs ?? NaN)} ns)`);
  out.push(`manyAll4Us                   ${f((m.manyAll4Ns ?? NaN) / 1000).padStart(12)}  (wait/notify RTT ${f((m.waitNotifyRttNs ?? NaN) / 1000)} µs)`);
  out.push(`detStepsPerSec sc/tso/lkmm   ${f((m.detStepsPerSec ?? NaN) / 1e6)} / ${f((m.detTsoStepsPerSec ?? NaN) / 1e6)} / ${f((m.detLkmmStepsPerSec ?? NaN) / 1e6)} M`);
  out.push(`propertyRunsPerSec           ${(m.propertyRunsPerSec ?? NaN).toFixed(0).padStart(12)}  (${(m.propertyCommandsPerSec ?? NaN).toFixed(0)} commands/s)`);
  return out;
}

function benchMarkdown(j: BenchJson): string {
  const m = j.medians;
  const c = j.context;
  const g = (k: string): number => m[k] ?? NaN;
  return [
    '# smpcheck bench', '',
    `Node ${j.env.node}, ${j.env.cores} cores, load average ${f(j.env.loadavgStart)} at start / ${f(j.env.loadavg1)} at end (shared machine: figures are noisy), medians of ${j.env.runs} runs, ${j.env.date}. Threads runtime: ${j.env.protocolForm}.`, '',
    '## Cross-CPU calls (threads runtime) beside their baselines', '',
    '| measure | median | baseline (same run) |', '|---|---|---|',
    `| sync single → polling CPU | ${f(g('syncSinglePollingNs'))} ns | raw spin RTT ${f(g('spinRttNs'))} ns |`,
    `| sync single → polling CPU, generator form | ${f(g('syncSinglePollingGeneratorsNs'))} ns | plain form ×${f(c.plainVsGenerators ?? null)} faster |`,
    `| sync single → halted CPU | ${f(g('syncSingleHaltedNs') / 1000)} µs | raw wait/notify RTT ${f(g('waitNotifyRttNs') / 1000)} µs |`,
    `| sync single → polling CPU | ${f(g('syncSinglePollingNs'))} ns | postMessage RPC RTT ${f(g('postMessageRttNs') / 1000)} µs |`,
    `| async single (wait=0), 2 polling CPUs | ${f(g('asyncSingleNs'))} ns/call | raw spin RTT ${f(g('spinRttNs'))} ns (×${f(c.asyncVsSpin ?? null)}) |`,
    `| many (wait) to all 4 CPUs | ${f(g('manyAll4Ns') / 1000)} µs/call | raw wait/notify RTT ${f(g('waitNotifyRttNs') / 1000)} µs (×${f(c.manyAll4VsWaitNotify ?? null)}) |`, '',
    '## Checkers', '',
    '| measure | median |', '|---|---|',
    `| deterministic runtime scheduling steps/s, --memory sc / tso / lkmm | ${f(g('detStepsPerSec') / 1e6)} M / ${f(g('detTsoStepsPerSec') / 1e6)} M / ${f(g('detLkmmStepsPerSec') / 1e6)} M |`,
    `| explorer states/s (stress workload, 3 CPUs, first ${j.env.exploreStates} states) | ${g('exploreStatesPerSec').toFixed(0)} |`,
    `| trace check events per CPU-second (linux-6.18-2cpu-tlb-membarrier.txt, decompressed, parse + check) | ${f(g('traceEventsPerSec') / 1e6)} M |`,
    `| trace check events per CPU-second (linux-6.18-2cpu-hotplug-trace-cmd.dat, native read + check, incl. opening) | ${f(g('traceDatEventsPerSec') / 1e6)} M${c.traceCmdReportEventsPerCpuSec === null || c.traceCmdReportEventsPerCpuSec === undefined ? ' (trace-cmd not installed: no side-by-side figure)' : `; trace-cmd report on the same file ${f(c.traceCmdReportEventsPerCpuSec / 1e6)} M (×${f(c.datVsTraceCmdReport ?? null)})`} |`,
    `| property runs/s, commands/s (20 runs × each invariant property, deterministic, 3 CPUs) | ${g('propertyRunsPerSec').toFixed(0)} runs/s, ${g('propertyCommandsPerSec').toFixed(0)} commands/s |`, '',
    '## Targets', '',
    '| ratio | value | target | met |', '|---|---|---|---|',
    ...RATIO_KEYS.map((k) => `| ${k} | ${f(j.ratios[k])} | ${j.targets[k]} | ${j.pass[k] === null ? 'not measured' : j.pass[k] ? 'met' : 'missed'} |`), '',
  ].join('\n');
}

/** Writes `dir`/bench.json and `dir`/bench.md (each to a temp file, then renamed). */
export function writeBenchReports(j: BenchJson, dir = 'reports'): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, text: string): void => {
    const p = join(dir, name);
    writeFileSync(`${p}.tmp`, text);
    renameSync(`${p}.tmp`, p);
  };
  put('bench.json', JSON.stringify(j, null, 2) + '\n');
  put('bench.md', benchMarkdown(j));
}
