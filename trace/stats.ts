/**
 * Statistics of a trace: per function and per CPU pair counts and latency percentiles (the figures
 * of HDR histograms, bounded memory), requests per kick (batching on the producer side) and csd functions
 * per IPI handler (batching on the consumer side).
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { FunctionStats, KickStats, LatencySummary, PairStats, TraceStats } from './verdict.js';

/** Distinct functions / pairs tracked separately; the rest is summed under `(other)` (bounded memory). */
const MAX_KEYS = 256;

/** The histogram configuration of every latency: nanoseconds, 3 significant digits. */
function hdr(): Histogram {
  // Ftrace prints microseconds, so 3 significant digits lose nothing. The counts array grows to the
  // largest value recorded (bucket boundaries do not depend on it).
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 1 << 20, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** The bucket arithmetic of that configuration (pure functions of it; the JS histogram has them). */
interface Buckets {
  lowestEquivalentValue(v: number): number;
  highestEquivalentValue(v: number): number;
  medianEquivalentValue(v: number): number;
}
const BUCKETS = hdr() as unknown as Buckets;

/** `hdr-histogram-js`'s ulp (it rounds the count at a percentile with it). */
const ulp = (x: number): number => Math.pow(2, Math.floor(Math.log2(x)) - 52);

/** Distinct values counted exactly before a latency moves to the HDR histogram itself. */
const MAX_EXACT = 1 << 14;

/**
 * A latency distribution with the figures of an HDR histogram (same percentiles, mean and max),
 * counted as exact value → count while there are few distinct values (trace latencies come in
 * whole microseconds and repeat), so recording is one map update and the summary walks only the
 * values seen, not the histogram's whole counts array; past `MAX_EXACT` distinct values they move
 * into the HDR histogram (bounded memory), which records from then on. Runs of one value are
 * recorded with one call either way.
 */
class Latency {
  private exact: Map<number, number> | null = new Map();
  private h: Histogram | null = null;
  private last = -1;
  private run = 0;

  record(ns: number): void {
    const v = ns < 0 ? 0 : Math.round(ns);
    if (v === this.last) {
      this.run++;
      return;
    }
    this.flush();
    this.last = v;
    this.run = 1;
  }

  private flush(): void {
    if (this.run === 0) return;
    const ex = this.exact;
    if (ex !== null) {
      ex.set(this.last, (ex.get(this.last) ?? 0) + this.run);
      if (ex.size > MAX_EXACT) {
        const h = (this.h = hdr());
        for (const [v, c] of ex) h.recordValueWithCount(v, c);
        this.exact = null;
      }
    } else this.h?.recordValueWithCount(this.last, this.run);
    this.run = 0;
  }

  summary(): LatencySummary {
    this.flush();
    this.last = -1;
    return this.exact !== null ? summarizeExact(this.exact) : summarize(this.h ?? hdr());
  }
}

const us = (ns: number): number => Math.round(ns / 100) / 10;

function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: us(h.getValueAtPercentile(50)),
    p90: us(h.getValueAtPercentile(90)),
    p99: us(h.getValueAtPercentile(99)),
    p999: us(h.getValueAtPercentile(99.9)),
    max: us(h.maxValue),
    mean: us(h.mean),
  };
}

/**
 * `summarize` of the HDR histogram those exact counts would fill, computed from the counts (what
 * the histogram does index by index): values grouped into its buckets in ascending order; a
 * percentile is the highest value of the bucket where the running count reaches it; the mean sums
 * each bucket's median × count in bucket order; the max is the largest value.
 */
function summarizeExact(ex: ReadonlyMap<number, number>): LatencySummary {
  if (ex.size === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const values = [...ex.keys()].sort((a, b) => a - b);
  const low: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (const v of values) {
    const c = ex.get(v) ?? 0;
    total += c;
    const l = BUCKETS.lowestEquivalentValue(v);
    if (low.length > 0 && low[low.length - 1] === l) counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + c;
    else {
      low.push(l);
      counts.push(c);
    }
  }
  const at = (percentile: number): number => {
    const fp = (Math.min(percentile, 100) / 100) * total;
    const want = Math.max(Math.ceil(fp - ulp(fp)), 1);
    let acc = 0;
    for (let i = 0; i < low.length; i++) {
      acc += counts[i] ?? 0;
      if (acc >= want) return BUCKETS.highestEquivalentValue(low[i] ?? 0);
    }
    return 0;
  };
  let sum = 0;
  for (let i = 0; i < low.length; i++) sum += BUCKETS.medianEquivalentValue(BUCKETS.highestEquivalentValue(low[i] ?? 0)) * (counts[i] ?? 0);
  return { count: total, p50: us(at(50)), p90: us(at(90)), p99: us(at(99)), p999: us(at(99.9)), max: us(values[values.length - 1] ?? 0), mean: us(sum / total) };
}

class FnAcc {
  queued = 0;
  entered = 0;
  local = 0;
  readonly queueToEntry = new Latency();
  readonly entryToExit = new Latency();
}

class PairAcc {
  queued = 0;
  entered = 0;
  readonly queueToEntry = new Latency();
}

/** Counts by small non-negative integer (array, no string keys on the hot path). */
function bump(counts: number[], key: number): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function asRecord(counts: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  counts.forEach((c, i) => {
    if (c > 0) out[String(i)] = c;
  });
  return out;
}

export class TraceStatsCollector {
  private readonly fns = new Map<string, FnAcc>();
  private readonly pairs = new Map<number, PairAcc>();
  private ipiSendCpu = 0;
  private ipiSendCpumask = 0;
  private idleWithoutIpi = 0;
  private provablyEmptyAdds = 0;
  private undecidedAdds = 0;
  /** Requests queued to each CPU since its last kick (by CPU number). */
  private readonly sinceKick: number[] = [];
  private readonly requestsPerKick: number[] = [];
  private readonly entriesPerHandler: number[] = [];
  /** csd functions run in each CPU's open IPI handler; -1 (or a hole) when none is open. */
  private readonly handlerEntries: number[] = [];
  private readonly perCpu: number[] = [];

  private fn(func: string): FnAcc {
    let a = this.fns.get(func);
    if (a === undefined) {
      const key = this.fns.size >= MAX_KEYS ? '(other)' : func;
      a = this.fns.get(key) ?? new FnAcc();
      this.fns.set(key, a);
    }
    return a;
  }

  private pair(src: number, dst: number): PairAcc {
    const key = src * 65536 + dst;
    let a = this.pairs.get(key);
    if (a === undefined) {
      a = new PairAcc();
      if (this.pairs.size < MAX_KEYS) this.pairs.set(key, a);
    }
    return a;
  }

  event(cpu: number): void {
    bump(this.perCpu, cpu);
  }

  queued(func: string, src: number, dst: number): void {
    this.fn(func).queued++;
    this.pair(src, dst).queued++;
    this.sinceKick[dst] = (this.sinceKick[dst] ?? 0) + 1;
  }

  /** A queued request was entered on its target; `waitNs` is queue→entry. */
  entered(func: string, src: number, dst: number, waitNs: number): void {
    const f = this.fn(func);
    f.entered++;
    f.queueToEntry.record(waitNs);
    const p = this.pair(src, dst);
    p.entered++;
    p.queueToEntry.record(waitNs);
    const h = this.handlerEntries[dst] ?? -1;
    if (h >= 0) this.handlerEntries[dst] = h + 1;
  }

  local(func: string, cpu: number): void {
    this.fn(func).local++;
    const h = this.handlerEntries[cpu] ?? -1;
    if (h >= 0) this.handlerEntries[cpu] = h + 1;
  }

  exited(func: string, runNs: number): void {
    this.fn(func).entryToExit.record(runNs);
  }

  /** An add whose kick decision the trace can (or cannot) check. */
  add(provablyEmpty: boolean): void {
    if (provablyEmpty) this.provablyEmptyAdds++;
    else this.undecidedAdds++;
  }

  kick(kind: 'cpu' | 'mask' | 'poll', targets: readonly number[]): void {
    if (kind === 'cpu') this.ipiSendCpu++;
    else if (kind === 'mask') this.ipiSendCpumask++;
    else this.idleWithoutIpi++;
    for (const t of targets) {
      const n = this.sinceKick[t] ?? 0;
      if (n > 0) bump(this.requestsPerKick, n);
      this.sinceKick[t] = 0;
    }
  }

  ipiHandlerEntry(cpu: number): void {
    this.handlerEntries[cpu] = 0;
  }

  ipiHandlerExit(cpu: number): void {
    const n = this.handlerEntries[cpu] ?? -1;
    if (n < 0) return;
    bump(this.entriesPerHandler, n);
    this.handlerEntries[cpu] = -1;
  }

  result(): TraceStats {
    const perFunction: FunctionStats[] = [...this.fns.entries()]
      .map(([func, a]) => ({
        func,
        queued: a.queued,
        entered: a.entered,
        local: a.local,
        queueToEntry: a.queueToEntry.summary(),
        entryToExit: a.entryToExit.summary(),
      }))
      .sort((x, y) => y.queued + y.local - (x.queued + x.local));
    const perPair: PairStats[] = [...this.pairs.entries()]
      .map(([key, a]) => {
        const src = Math.floor(key / 65536);
        const dst = key % 65536;
        return { pair: `cpu${src}->cpu${dst}`, src, dst, queued: a.queued, entered: a.entered, queueToEntry: a.queueToEntry.summary() };
      })
      .sort((x, y) => x.src - y.src || x.dst - y.dst);
    let kicks = 0;
    let reqs = 0;
    this.requestsPerKick.forEach((c, n) => {
      kicks += c;
      reqs += n * c;
    });
    const k: KickStats = {
      ipiSendCpu: this.ipiSendCpu,
      ipiSendCpumask: this.ipiSendCpumask,
      idleWithoutIpi: this.idleWithoutIpi,
      provablyEmptyAdds: this.provablyEmptyAdds,
      undecidedAdds: this.undecidedAdds,
      requestsPerKick: asRecord(this.requestsPerKick),
      meanRequestsPerKick: kicks === 0 ? 0 : Math.round((reqs / kicks) * 1000) / 1000,
      entriesPerIpiHandler: asRecord(this.entriesPerHandler),
    };
    return { perFunction, perPair, kicks: k, perCpuEvents: asRecord(this.perCpu) };
  }
}
