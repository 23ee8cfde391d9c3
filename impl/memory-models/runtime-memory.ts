/**
 * The memory of the deterministic runtime under `--memory sc|tso|lkmm`: the protocol's kernel-state
 * accesses (everything it does through `c.a`, access.ts) go to a `MemoryCore`; everything else
 * (instrumentation, the host, the runtime's own bookkeeping, code that uses plain Atomics) reads
 * and writes the shared Int32Array directly. Under `sc` there is no core: `c.a` is Atomics.
 *
 * - tso: TsoCore. The array holds the newest store executed (observers see it); the CPUs read what
 *   has drained (or their own buffer), so a waiter whose word changed only in another CPU's
 *   buffer stays blocked, and when nothing can run while stores are buffered the runtime
 *   drains one (a chosen CPU's oldest), as the hardware eventually does.
 * - lkmm: LkmmCore (lkmm.ts, the core the litmus command checks) with the runtime's settings: a
 *   load reads one of the newest WINDOW messages of its word that coherence and ordering allow
 *   (choice 0 = the newest, so a chooser that says 0 reads like SC); a word written behind the
 *   core's back becomes a new message every CPU sees.
 *   The array always holds the newest message, so observers see the coherence-latest state.
 *
 * Every decision (which message, which store drains) is asked of the chooser the runtime injects:
 * the scheduler's own choice stream, recorded in the schedule string.
 */
import { coreAccess, type Access } from '../access.js';
import type { Chooser } from './choice.js';
import { LkmmCore } from './lkmm.js';
import { TsoCore } from './tso.js';

export type MemoryModel = 'sc' | 'tso' | 'lkmm';
export const MEMORY_MODELS: readonly MemoryModel[] = ['sc', 'tso', 'lkmm'];

/** How many of a word's newest messages an lkmm load may read (bounds memory and choices). */
export const LKMM_WINDOW = 8;

export function isMemoryModel(s: unknown): s is MemoryModel {
  return s === 'sc' || s === 'tso' || s === 'lkmm';
}

export interface RuntimeMemory {
  readonly model: Exclude<MemoryModel, 'sc'>;
  /** The accessors of `cpu` over the core. */
  access(cpu: number): Access;
  /** A waiter of `cpu` that read `v` from word `i` may read something else now. */
  canReadOther(cpu: number, i: number, v: number): boolean;
  /** Stores buffered that nothing has made visible yet (tso). */
  hasPending(): boolean;
  /** Make one buffered store visible (a chosen one). */
  drainOne(): void;
  /** `cpu` wakes (an IPI arrives, a halted CPU is woken): a full barrier, pairing with kick's. */
  wake(cpu: number): void;
  /** Loads that read a store older than the newest one (lkmm), for the timeline (`f` may build a `ReadFrom`). */
  onRead(f: (cpu: number, i: number, ts: number, v: number, newestTs: number, newestV: number) => void): void;
}

export function runtimeMemory(model: MemoryModel, memory: Int32Array, cpus: number, choose: Chooser): RuntimeMemory | null {
  switch (model) {
    case 'sc': return null;
    case 'tso': {
      const core = new TsoCore(memory, cpus, choose);
      return {
        model, access: (cpu) => coreAccess(core, cpu),
        canReadOther: (cpu, i, v) => core.canReadOther(cpu, i, v),
        hasPending: () => core.hasPending(),
        drainOne: () => { core.drainOne(); },
        wake: () => { /* the kicker's smp_mb drained its buffer: memory is global */ },
        onRead: () => { /* tso loads read memory or their own buffer: nothing stale to name */ },
      };
    }
    case 'lkmm': {
      const core = new LkmmCore(memory, cpus, choose, { window: LKMM_WINDOW, newestFirst: true, external: true, gcEvery: 1024 });
      return {
        model, access: (cpu) => coreAccess(core, cpu),
        canReadOther: (cpu, i, v) => core.canReadOther(cpu, i, v),
        hasPending: () => false,
        drainOne: () => { /* nothing is buffered */ },
        wake: (cpu) => { core.fence(cpu, 'mb'); },
        onRead: (f) => { core.onRead = f; },
      };
    }
  }
}
