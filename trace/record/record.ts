/**
 * `trace record`: a private tracefs instance with the smp.c events, a workload (a user command or
 * the built-in one), optionally CPU hotplug cycles meanwhile, and the instance's `trace` file written
 * gzip-compressed (through a temporary file, renamed when complete). Tracing state and CPU online
 * state are restored on every exit path; an abort (Ctrl-C) stops the workload and the cycles and
 * still writes what was recorded (cut at a whole line if the abort comes while it is being saved).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { checkHotpluggable, runHotplug, type HotplugPlan } from './hotplug.js';
import { saveTrace } from './save.js';
import { findTracefs, TraceInstance } from './tracefs.js';
import { builtinWorkload } from './workload.js';

/** How long saving may go on after Ctrl-C (the whole command then stops within about a second). */
const SAVE_GRACE_MS = 600;

export interface RecordOptions {
  readonly out: string;
  readonly events: readonly string[];
  readonly bufferKb: number;
  /** User command (argv), or null for the built-in workload. */
  readonly command: readonly string[] | null;
  readonly durationMs: number;
  readonly hotplug: HotplugPlan | null;
  readonly log: (line: string) => void;
}

export interface RecordResult {
  readonly out: string;
  readonly events: readonly string[];
  readonly workload: string;
  readonly workloadExit: number | null;
  readonly hotplugCycles: number;
  readonly interrupted: boolean;
  /** Ctrl-C came while saving: only the earliest `savedLines` lines of the trace were kept. */
  readonly truncated: boolean;
  readonly savedLines: number;
  readonly header: string;
}

/** Runs argv to completion (or until the signal aborts it: SIGTERM, then SIGKILL after 1 s). */
function runCommand(argv: readonly string[], signal: AbortSignal): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) {
      resolve(0);
      return;
    }
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error(`cannot run ${cmd}: ${e.code === 'ENOENT' ? 'command not found' : e.message}`));
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer !== null) clearTimeout(killTimer);
      resolve(code);
    });
  });
}

export async function recordTrace(opts: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
  const root = await findTracefs();
  if (opts.hotplug !== null) await checkHotpluggable(opts.hotplug.cpu);
  const workload = opts.command === null ? builtinWorkload(opts.durationMs) : { argv: opts.command, description: opts.command.join(' ') };
  const inst = await TraceInstance.create(root, `smpcheck-${process.pid}`, opts.bufferKb, opts.events);
  const tmp = `${opts.out}.tmp-${process.pid}`;
  let written = false;
  try {
    opts.log(`tracing ${inst.enabled.length} events in ${inst.dir}; running ${workload.description}`);
    await inst.start();
    const stopCycles = new AbortController();
    const relay = (): void => { stopCycles.abort(); };
    signal.addEventListener('abort', relay, { once: true });
    let cycles = 0;
    let exit: number | null;
    try {
      const work = runCommand(workload.argv, signal);
      const hp = opts.hotplug === null ? Promise.resolve(0) : runHotplug(opts.hotplug, stopCycles.signal, opts.log);
      // The cycles stop when the workload ends (they only make sense while it runs).
      exit = await work.finally(() => { stopCycles.abort(); });
      cycles = await hp;
    } finally {
      signal.removeEventListener('abort', relay);
      await inst.stop();
    }
    // The kernel formats the text as it is read: after Ctrl-C, save stops within a second.
    const gz = createGzip({ level: 1 });
    const sink = pipeline(gz, createWriteStream(tmp));
    const saved = await saveTrace(inst.traceStream(), gz, { signal, graceMs: SAVE_GRACE_MS });
    await sink;
    const header = saved.head;
    await rename(tmp, opts.out);
    written = true;
    return { out: opts.out, events: inst.enabled, workload: workload.description, workloadExit: exit, hotplugCycles: cycles, interrupted: signal.aborted, truncated: saved.truncated, savedLines: saved.lines, header };
  } finally {
    if (!written) await rm(tmp, { force: true });
    await inst.destroy();
  }
}
