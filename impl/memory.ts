/**
 * What the protocol sees of memory and of its runtime.
 *
 * Protocol functions are generators: they `yield STEP` immediately before every shared-memory access
 * (a scheduling point) and `yield WAIT` after setting `ctx.waitIdx/waitVal` when they cannot go on
 * until the word `m[waitIdx]` differs from `waitVal`. Accesses to kernel state go through `ctx.a`
 * (access.ts: READ_ONCE, smp_store_release, cmpxchg, … with the kernel's ordering at that line;
 * on both runtimes today one `Atomics` operation each), calls of named kernel functions through
 * `ctx.k` (kernel.ts: the function table a variant replaces entries of). Instrumentation (trace
 * ring, request table, counters) stays plain `Atomics`.
 * - threads runtime: runs each generator to completion; STEP costs one generator resume, WAIT spins
 *   ~200 loads then sleeps on the CPU's wake word (see runtime/threads-driver.ts).
 * - deterministic runtime: every STEP is a point where another CPU may run; a WAITing CPU is not
 *   runnable until the word changes.
 */
import type { Access } from './access.js';
import type { KernelFunctions } from './kernel.js';
import type { Layout, Shared } from './layout.js';
import { C_SLEEPING, C_WAKE } from './layout.js';

export const STEP = 0;
export const WAIT = 1;
export type Yield = typeof STEP | typeof WAIT;
export type Proto<R = void> = Generator<Yield, R, void>;

/** Structured lock-wait debug report (smp-semantics.md §5), posted to the host. */
export interface DebugReport {
  readonly kind: 'detected' | 'continued' | 'resend-ipi' | 'backtrace' | 'unstuck' | 'panic';
  readonly bugId: number;
  readonly waitingCpu: number;
  readonly targetCpu: number;
  readonly func: string;
  readonly info: number;
  readonly csd: number;
  readonly waitedMs: number;
  /** What the target is running now: a function name, or `idle`/`nothing`. */
  readonly targetRunning: string;
  readonly text: string;
}

export interface Ctx {
  readonly m: Shared;
  readonly f64: Float64Array<SharedArrayBuffer>;
  readonly L: Layout;
  readonly cpu: number;
  /** The kernel functions of this system (kernel.ts `SMP_C`, or a variant's table). */
  readonly k: KernelFunctions;
  /** The accessors of this CPU (access.ts). */
  readonly a: Access;
  readonly traceOn: boolean;
  readonly debug: boolean;
  readonly csdLockTimeoutMs: number;
  readonly panicOnIpistallMs: number;
  readonly pollSpins: number;
  readonly spinLoads: number;
  waitIdx: number;
  waitVal: number;
  /** Upper bound for a threads-runtime sleep (lock-wait debug needs to wake up); Infinity = none. */
  waitTimeoutMs: number;
  /** Set while this CPU runs its own dying flush (smpcfd_dying_cpu): runs there are allowed offline. */
  inDyingFlush: boolean;
  /** Own STEPs since this CPU's last WAIT (watchdog.ts). */
  stepsWithoutWait: number;
  /** Trace timestamp in seconds (threads: real time; deterministic: step count as µs). */
  readonly now: () => number;
  /** Milliseconds for lock-wait debug (threads: real time). */
  readonly nowMs: () => number;
  readonly report: (r: DebugReport) => void;
}

/** Make `cpu` notice a change (mailbox post, IPI, unlock of a CSD it waits on, stop_machine). */
export function kick(c: Ctx, cpu: number): void {
  // An IPI or wake-up is ordered after the sender's earlier accesses (the kernel's IPI send and
  // try_to_wake_up are); the woken CPU takes a full barrier on waking (runtime/cpu-stepper.ts).
  c.a.smp_mb();
  const w = c.L.cpu(cpu, C_WAKE);
  Atomics.add(c.m, w, 1); // seq bump before notify: a sleeper that read the old seq will not sleep
  // Notify only a CPU that sleeps (threads runtime; a notify costs a futex-table lock): it sets
  // C_SLEEPING before Atomics.wait re-checks the seq, we bump the seq before reading C_SLEEPING,
  // so (all SC) either we see the flag or it sees the new seq.
  if (Atomics.load(c.m, c.L.cpu(cpu, C_SLEEPING)) !== 0) Atomics.notify(c.m, w);
}

export function waitOn(c: Ctx, idx: number, val: number): typeof WAIT {
  c.waitIdx = idx;
  c.waitVal = val;
  return WAIT;
}
