/**
 * Progress for long runs. On a TTY: a cli-progress bar with ETA on stderr, shown only once the run
 * has taken more than a second (short runs stay quiet). Not a TTY: a plain line on stderr every
 * 10%, also only after the first second. With --json or CI=true: nothing, so stdout carries only the result and CI logs stay clean.
 */
import { SingleBar, Presets } from 'cli-progress';

export type ProgressMode = 'bar' | 'lines' | 'silent';

export interface Progress {
  readonly mode: ProgressMode;
  /** Marks `n` more units done. */
  tick(n?: number): void;
  stop(): void;
}

export interface ProgressEnv {
  readonly json: boolean;
  readonly isTTY: boolean;
  readonly ci: boolean;
}

export function progressMode(env: ProgressEnv): ProgressMode {
  if (env.json || env.ci) return 'silent';
  return env.isTTY ? 'bar' : 'lines';
}

export function currentProgressEnv(json: boolean): ProgressEnv {
  const ci = process.env.CI;
  return { json, isTTY: process.stderr.isTTY, ci: ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0' };
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly mode: ProgressMode;
  /** Where plain lines go (stderr by default). */
  readonly write?: (line: string) => void;
  /** Delay before the bar appears. */
  readonly delayMs?: number;
  readonly now?: () => number;
  /** Where the bar is drawn (stderr by default). */
  readonly stream?: NodeJS.WritableStream;
}

export function createProgress(o: ProgressOptions): Progress {
  const write = o.write ?? ((line: string) => process.stderr.write(line));
  const now = o.now ?? Date.now;
  const start = now();
  let done = 0;
  if (o.mode === 'silent') {
    return { mode: o.mode, tick: (n = 1) => { done += n; }, stop: () => undefined };
  }
  const delay = o.delayMs ?? 1000;
  if (o.mode === 'lines') {
    let nextPct = 10;
    return {
      mode: o.mode,
      tick(n = 1) {
        done += n;
        const pct = o.total === 0 ? 100 : Math.floor((100 * done) / o.total);
        if (pct >= nextPct && now() - start >= delay) {
          write(`${o.label}: ${done}/${o.total} (${pct}%) after ${((now() - start) / 1000).toFixed(1)} s\n`);
          nextPct = Math.floor(pct / 10) * 10 + 10;
        }
      },
      stop: () => undefined,
    };
  }
  let bar: SingleBar | undefined;
  return {
    mode: o.mode,
    tick(n = 1) {
      done += n;
      if (bar === undefined && now() - start >= delay) {
        bar = new SingleBar({ format: `${o.label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: o.stream ?? process.stderr, hideCursor: true, etaBuffer: 50 }, Presets.shades_classic);
        bar.start(o.total, done);
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
