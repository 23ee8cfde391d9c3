/**
 * `smpcheck stress`: scftorture for the implementation. Real worker threads (one per simulated CPU,
 * more CPUs than cores is fine) issue a weighted mix of cross-CPU calls while CPU 0 churns hotplug;
 * accounting per primitive, latency percentiles, failure totals under their invariant IDs. Any
 * failure, or a stuck CSD lock (lock-wait debug report), ends the run with exit 1 and the trace
 * window around the first failure in `--out`. Always ends with `End of test: SUCCESS|FAILURE`.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_MIX_TEXT, parseMix, selDump, type Mix } from '../../impl/stress/mix.js';
import { runStress, type StressConfig } from '../../impl/stress/run-stress.js';
import { InterruptedError, UsageError, ViolationError } from '../errors.js';
import { interruptSignal } from '../interrupt.js';
import { addOutputOptions, addVariantOption, CPUS_RANGE, defaultOut, parseCpus, parseSeed, prepareOutDir, selectedVariant } from '../options.js';
import { writeFileAtomic } from '../../report/atomic-write.js';
import { createProgress, currentProgressEnv, progressMode } from '../progress.js';
import { configLine, stressMarkdown, stressText, verdictLine, verdictOf } from '../stress-output.js';

function positive(flag: string, text: string, max: number, integer: boolean): number {
  const ok = integer ? /^\d+$/.test(text.trim()) : /^\d+(\.\d+)?$/.test(text.trim());
  const n = Number(text);
  if (!ok || !Number.isFinite(n) || n > max) throw new UsageError(`${flag} ${text}: must be ${integer ? 'an integer' : 'a number'} from 0 to ${max}`);
  return n;
}

export const parseDuration = (t: string): number => {
  const n = positive('--duration', t, 86_400, false);
  if (n <= 0) throw new UsageError(`--duration ${t}: must be above 0 seconds`);
  return n;
};
export const parseChurn = (t: string): number => positive('--churn', t, 1000, false);
export const parseCsdLockTimeout = (t: string): number => {
  const n = positive('--csd-lock-timeout', t, 600_000, true);
  if (n < 10) throw new UsageError(`--csd-lock-timeout ${t}: must be at least 10 ms`);
  return n;
};

export function parseMixOption(text: string): Mix {
  try {
    return parseMix(text);
  } catch (e) {
    throw new UsageError(`--mix ${text}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function register(program: Command): void {
  const cmd = program.command('stress')
    .description('scftorture-like stress of the implementation on worker threads: call mix, hotplug churn, accounting, latency')
    .addOption(new Option('--cpus <n>', `simulated CPUs (${CPUS_RANGE}), one worker thread each (may exceed the cores)`).argParser(parseCpus).default(4))
    .addOption(new Option('--duration <s>', 'seconds to run').argParser(parseDuration).default(10))
    .addOption(new Option('--seed <n>', 'seed of the call and hotplug choices').argParser(parseSeed).default(42))
    .addOption(new Option('--mix <weights>', 'call weights, like scftorture weight_* (keys: single[_wait], single_async, any[_wait], many[_wait], many_cond[_wait], on_each_cpu_cond_mask[_wait])').argParser(parseMixOption).default(parseMix(DEFAULT_MIX_TEXT), 'every call'))
    .addOption(new Option('--churn <ops/s>', 'hotplug operations (cpu_down / cpu_up of CPUs 1..n-1) per second; 0 = none').argParser(parseChurn).default(5))
    .addOption(new Option('--csd-lock-timeout <ms>', 'csd_lock_timeout: a CSD lock held longer is reported (lock-wait debug) and fails the run').argParser(parseCsdLockTimeout).default(5000))
    .addOption(new Option('--fault <id>', 'run a built-in variant: a catalogued fault (audit/README.md)'));
  addVariantOption(cmd);
  addOutputOptions(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    const json = raw.json === true;
    const out = await prepareOutDir(typeof raw.out === 'string' ? raw.out : defaultOut('stress'));
    const variant = (await selectedVariant(raw))?.variant;
    const cfg: StressConfig = {
      cpus: typeof raw.cpus === 'number' ? raw.cpus : 4,
      durationMs: 1000 * (typeof raw.duration === 'number' ? raw.duration : 10),
      seed: typeof raw.seed === 'number' ? raw.seed : 42,
      mix: Array.isArray(raw.mix) ? (raw.mix as Mix) : parseMix(DEFAULT_MIX_TEXT),
      churnPerSec: typeof raw.churn === 'number' ? raw.churn : 5,
      csdLockTimeoutMs: typeof raw.csdLockTimeout === 'number' ? raw.csdLockTimeout : 5000,
      ...(variant === undefined ? {} : { variant }),
    };
    const log = (l: string): void => { if (!json) process.stderr.write(`${l}\n`); };
    const interrupt = interruptSignal(); // before the first line: a Ctrl-C from then on is handled
    log(configLine(cfg));
    for (const l of selDump(cfg.mix)) log(l); // scf_sel_dump
    const progress = createProgress({ label: 'stress', total: Math.ceil(cfg.durationMs / 1000), mode: progressMode(currentProgressEnv(json)) });
    let seconds = 0;
    let result;
    try {
      result = await runStress(cfg, { log, signal: interrupt.signal, onSecond: (s) => { progress.tick(s - seconds); seconds = s; } });
    } finally {
      progress.stop();
      interrupt.dispose();
    }
    const files = [join(out, 'stress.json'), join(out, 'stress.md')];
    let traceFile: string | null = null;
    if (result.failure !== null) {
      traceFile = join(out, 'stress-failure-trace.txt');
      await writeFileAtomic(traceFile, result.failure.traceWindow);
      files.push(traceFile);
    }
    const { failure, ...rest } = result;
    const jsonOut = {
      schema: 'smpcheck.stress/1', verdict: verdictOf(result), config: { ...cfg, mix: cfg.mix }, ...rest,
      failure: failure === null ? null : { invariant: failure.invariant, message: failure.message, round: failure.round, traceFile, traceEvents: failure.traceEvents },
    };
    await writeFileAtomic(files[0] ?? join(out, 'stress.json'), `${JSON.stringify(jsonOut, null, 2)}\n`);
    await writeFileAtomic(files[1] ?? join(out, 'stress.md'), stressMarkdown(cfg, result, traceFile));
    if (json) process.stdout.write(`${JSON.stringify({ ...jsonOut, files })}\n`);
    else process.stdout.write(stressText(cfg, result, files));
    if (!result.ok) throw new ViolationError(`stress failed: ${failure?.invariant ?? 'failure counts above zero'}; ${verdictLine(result)}`);
    if (result.interrupted) throw new InterruptedError(`interrupted after ${(result.elapsedMs / 1000).toFixed(1)} s; partial results in ${out}`);
  });
}
