/**
 * `smpcheck trace record [-o FILE] [--hotplug CPU:CYCLES] [--events …] [-- COMMAND…]`: records the
 * kernel/smp.c events on the running kernel into gzip-compressed ftrace text that `trace check`
 * reads (see trace/record/). Exit 0 recorded (with `--check`: the check's verdict), 2 cannot record
 * here or bad option, 130 interrupted (what was recorded is still written).
 */
import { closeSync, existsSync, openSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkTraceFile } from '../../trace/check-file.js';
import { parseHotplug, type HotplugPlan } from '../../trace/record/hotplug.js';
import { recordTrace } from '../../trace/record/record.js';
import { DEFAULT_EVENTS, TracefsError } from '../../trace/record/tracefs.js';
import { InputError, InterruptedError, UsageError, ViolationError } from '../errors.js';
import { formatVerdict } from './trace-check.js';

interface RecordFlags {
  readonly out: string;
  readonly hotplug?: string;
  readonly events?: string;
  readonly bufferKb: string;
  readonly duration: string;
  readonly check?: boolean;
}

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`${name} ${JSON.stringify(text)}: expected an integer from 1 to ${max}`);
  return n;
}

/** The output file can be created (checked before anything touches the kernel). */
function checkWritable(out: string): void {
  if (existsSync(`${out}/.`)) throw new InputError(`-o ${out}: is a folder`);
  const probe = `${out}.tmp-${process.pid}`;
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`-o ${out}: cannot write there (${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EROFS' ? 'not writable' : code})`);
  }
}

/**
 * Last-resort restore if the process exits without unwinding (a second Ctrl-C): synchronous, from
 * an 'exit' handler. The normal paths restore in `recordTrace`'s finally blocks.
 */
function emergencyRestore(hotplug: HotplugPlan | null, out: string): () => void {
  const onExit = (): void => {
    try {
      unlinkSync(`${out}.tmp-${process.pid}`); // never leave a half-written recording
    } catch {
      /* none */
    }
    if (hotplug !== null) {
      try {
        writeFileSync(`/sys/devices/system/cpu/cpu${hotplug.cpu}/online`, '1');
      } catch {
        /* already online, or not ours to fix */
      }
    }
    for (const root of ['/sys/kernel/tracing', '/sys/kernel/debug/tracing', process.env.SMPCHECK_TRACEFS ?? '']) {
      const dir = `${root}/instances/smpcheck-${process.pid}`;
      if (root === '' || !existsSync(dir)) continue;
      try {
        writeFileSync(`${dir}/tracing_on`, '0');
        writeFileSync(`${dir}/events/enable`, '0');
        rmdirSync(dir);
      } catch {
        /* best effort */
      }
    }
  };
  process.on('exit', onExit);
  return () => process.off('exit', onExit);
}

async function run(command: readonly string[], flags: RecordFlags): Promise<void> {
  const out = resolve(flags.out);
  let hotplug: HotplugPlan | null = null;
  if (flags.hotplug !== undefined) {
    try {
      hotplug = parseHotplug(flags.hotplug);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const bufferKb = positiveInt('--buffer-kb', flags.bufferKb, 1 << 22);
  const durationMs = positiveInt('--duration', flags.duration, 24 * 3600 * 1000);
  const events = flags.events === undefined ? DEFAULT_EVENTS : flags.events.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = events.find((e) => !/^\w+\/\w+$/.test(e));
  if (bad !== undefined || events.length === 0) throw new UsageError(`--events ${JSON.stringify(flags.events ?? '')}: expected a comma-separated list of SYSTEM/EVENT, e.g. csd/csd_queue_cpu,ipi/ipi_send_cpu`);
  checkWritable(out);

  const ctl = new AbortController();
  const quiet = process.env.CI !== undefined || !process.stderr.isTTY;
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130); // the 'exit' handler restores the CPU and tracefs
    process.stderr.write('smpcheck: interrupted: stopping the workload, restoring tracing and CPU state, writing what was recorded (Ctrl-C again to quit now without it)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const undo = emergencyRestore(hotplug, out);
  let result;
  try {
    result = await recordTrace({ out, events, bufferKb, command: command.length > 0 ? command : null, durationMs, hotplug, log: (s) => {
          if (!quiet) process.stderr.write(`smpcheck: ${s}\n`);
        } }, ctl.signal);
  } catch (e) {
    if (e instanceof TracefsError) throw new InputError(`trace record: ${e.message}`);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    undo();
  }
  const m = /entries-in-buffer\/entries-written: (\d+)\/(\d+)/.exec(result.header);
  const lost = m !== null && m[1] !== m[2] ? ` (ring buffer overflowed: ${m[1]} of ${m[2]} events kept; raise --buffer-kb)` : '';
  const cut = result.truncated ? ` (Ctrl-C while saving: the file keeps the earliest ${result.savedLines} lines, up to a whole line)` : '';
  process.stdout.write(`smpcheck: recorded ${m?.[1] ?? '?'} events${lost}${cut} to ${result.out}: ${result.events.length} event kinds, ${result.workload}${hotplug !== null ? `, cpu${hotplug.cpu} down/up ${result.hotplugCycles}×` : ''}${result.workloadExit !== null && result.workloadExit !== 0 ? `; the command exited ${result.workloadExit}` : ''}\n`);
  if (flags.check === true) {
    const v = await checkTraceFile(result.out);
    process.stdout.write(formatVerdict(v));
    if (!v.ok) throw new ViolationError(`${result.out}: trace check found violations`);
  }
  if (result.interrupted) throw new InterruptedError(`interrupted; the partial recording is in ${result.out}`);
}

export function register(program: Command): void {
  const trace = program.commands.find((c) => c.name() === 'trace') ?? program.command('trace').description('Work with kernel ftrace traces');
  trace
    .command('record')
    .description('Record csd/ipi/cpuhp/irq_vectors events on this kernel (root, tracefs, Linux >= 6.4) into gzip ftrace text for `trace check`')
    .argument('[command...]', 'workload to trace (after --); default: the built-in one (TLB shootdowns, membarrier, cross-CPU wake-ups)')
    .option('-o, --out <file>', 'output file (gzip-compressed ftrace text)', 'smpcheck-trace.txt.gz')
    .option('--hotplug <cpu:cycles>', 'take CPU down and up CYCLES times while the workload runs, e.g. 1:3 (restored on every exit)')
    .option('--events <list>', `comma-separated SYSTEM/EVENT list (default: ${DEFAULT_EVENTS.join(',')})`)
    .option('--buffer-kb <n>', 'ring buffer per CPU in KiB', '32768')
    .option('--duration <ms>', 'how long the built-in workload runs', '1500')
    .option('--check', 'run `trace check` on the recording and exit with its verdict')
    .action(async (command: string[], flags: RecordFlags) => {
      await run(command, flags);
    });
}
