/**
 * A private tracefs instance (`instances/smpcheck-<pid>`), so recording never disturbs the top-level
 * buffer or another tool's settings: its own ring buffer, its own enabled events, removed again on
 * every exit path by `destroy()`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { access, mkdir, rmdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** The events of kernel/smp.c, the IPI vectors, CPU hotplug and the idle-poll wake-up. */
export const DEFAULT_EVENTS: readonly string[] = [
  'csd/csd_queue_cpu',
  'csd/csd_function_entry',
  'csd/csd_function_exit',
  'ipi/ipi_send_cpu',
  'ipi/ipi_send_cpumask',
  'irq_vectors/call_function_entry',
  'irq_vectors/call_function_exit',
  'irq_vectors/call_function_single_entry',
  'irq_vectors/call_function_single_exit',
  'sched/sched_wake_idle_without_ipi',
  'cpuhp/cpuhp_enter',
  'cpuhp/cpuhp_multi_enter',
  'cpuhp/cpuhp_exit',
];

/** Why recording cannot start here, in one line. */
export class TracefsError extends Error {
  override name = 'TracefsError';
}

const CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** The tracefs root: `$SMPCHECK_TRACEFS`, a mounted one, or /sys/kernel/tracing mounted now (root). */
export async function findTracefs(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const forced = env.SMPCHECK_TRACEFS;
  if (forced !== undefined && forced !== '') {
    if (!existsSync(join(forced, 'instances'))) throw new TracefsError(`SMPCHECK_TRACEFS=${forced}: not a tracefs mount (no instances/ directory)`);
    return forced;
  }
  for (const c of CANDIDATES) if (existsSync(join(c, 'instances'))) return checkAccess(c);
  if (process.getuid?.() !== 0) throw new TracefsError('tracefs is not mounted and mounting it needs root (run as root, or mount -t tracefs nodev /sys/kernel/tracing)');
  const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync('/sys/kernel/tracing/instances')) throw new TracefsError(`cannot mount tracefs at /sys/kernel/tracing: ${(r.stderr || r.error?.message || 'mount failed').trim().split('\n')[0] ?? ''}`);
  return '/sys/kernel/tracing';
}

async function checkAccess(root: string): Promise<string> {
  try {
    await access(join(root, 'instances'), constants.W_OK);
  } catch {
    throw new TracefsError(`${root}/instances is not writable (recording needs root)`);
  }
  return root;
}

export class TraceInstance {
  private destroyed = false;
  private constructor(
    readonly dir: string,
    readonly enabled: readonly string[],
  ) {}

  /** Creates the instance, sizes its buffer and enables the events that exist on this kernel. */
  static async create(root: string, name: string, bufferKb: number, events: readonly string[]): Promise<TraceInstance> {
    const dir = join(root, 'instances', name);
    try {
      await mkdir(dir);
    } catch (e) {
      throw new TracefsError(`cannot create tracefs instance ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const enabled: string[] = [];
    const inst = new TraceInstance(dir, enabled);
    try {
      await writeFile(join(dir, 'tracing_on'), '0');
      await writeFile(join(dir, 'buffer_size_kb'), String(bufferKb));
      for (const e of events) {
        const f = join(dir, 'events', e, 'enable');
        if (!existsSync(f)) continue;
        await writeFile(f, '1');
        enabled.push(e);
      }
      if (!enabled.some((e) => e.startsWith('csd/'))) throw new TracefsError('this kernel has no csd trace events (csd_queue_cpu and friends need Linux >= 6.4)');
      await writeFile(join(dir, 'trace'), '');
    } catch (e) {
      await inst.destroy();
      if (e instanceof TracefsError) throw e;
      throw new TracefsError(`cannot set up tracefs instance ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return inst;
  }

  async start(): Promise<void> {
    await writeFile(join(this.dir, 'tracing_on'), '1');
  }

  async stop(): Promise<void> {
    if (!this.destroyed) await writeFile(join(this.dir, 'tracing_on'), '0');
  }

  /** The instance's `trace` file (header + events) as a stream. */
  traceStream(): Readable {
    return createReadStream(join(this.dir, 'trace'), { highWaterMark: 1 << 20 });
  }

  /** Disables the events and removes the instance; safe to call twice and on a half-made instance. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await writeFile(join(this.dir, 'tracing_on'), '0').catch(() => undefined);
    await writeFile(join(this.dir, 'events', 'enable'), '0').catch(() => undefined);
    await rmdir(this.dir).catch(() => undefined);
  }
}
