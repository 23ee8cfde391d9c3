/**
 * The one SharedArrayBuffer that holds every piece of shared state, and its layout.
 *
 * Everything is an Int32 word index into `Int32Array(sab)` (the trace ring also has a Float64 view
 * for timestamps). Pointers are indices, never JS references, because closures and objects cannot
 * cross worker threads. NULL is -1.
 *
 * Regions, in order:
 *   header      HEADER_WORDS words: configuration, global counters, stop_machine state (H_*)
 *   per-CPU     CPU_WORDS per CPU: call_single_queue head, hotplug state, IPI doorbell, thread flags
 *               (POLLING / NEED_RESCHED), csd_data, stack CSD, cfd pointer, wake word, irqs-off bit,
 *               cur_csd (debug), mailbox head/tail, user (caller-owned async) CSDs (C_*)
 *   mailbox     MB_CAP words per CPU: request ids posted by the host (a test or the CLI)
 *   CSD pool    CSD_WORDS per CSD (F_*): static CSDs (csd_data, stack, user, irq_work, task wake_entry) then cfd CSDs
 *   cfd blocks  CFD_WORDS per block (B_*): cpumask, cpumask_ipi, owner; each block owns `ncpus` CSDs
 *               of the pool (one per target). The allocator counts live allocations in H_ALLOC_LIVE.
 *   requests    REQ_WORDS per request (R_*): the accounting table (who, what, expected, ran, rc)
 *   func runs   ncpus words per registered function: how often it ran on each CPU
 *   trace ring  TRACE_WORDS per entry (T_*), TRACE_CAP entries, timestamps as float64 in words 6..7
 */

export const NULL = -1;
export const MAX_CPUS = 16;
export const MAGIC = 0x534d5031; // "SMP1"

// ---- header ---------------------------------------------------------------------------------
export const H_MAGIC = 0;
export const H_NCPUS = 1;
/** INV-NO-UAF: flushes that touched a CSD of a freed cfd block, or an allocation that rewrote one still queued */
export const H_UAF = 2;
/** bit 0: tracepoints on; bit 1: csdlock_debug; bit 2: idle polls (else halts) */
export const H_FLAGS = 3;
export const H_CSD_TIMEOUT_MS = 4;
export const H_PANIC_MS = 5;
export const H_ALLOC_LIVE = 6;
export const H_ALLOC_LIMIT = 7;
export const H_REQ_NEXT = 8;
export const H_TRACE_HEAD = 9;
export const H_BUG_COUNT = 10;
export const H_STUCK = 11;
/** "IPI on offline CPU" warnings issued (the kernel warns once; we count every one) */
export const H_WARN_OFFLINE = 12;
/** single and many calls made with interrupts off on an online CPU (the kernel WARNs each, then carries on) */
export const H_IRQS_OFF_WARN = 13;
export const H_PANIC = 14;
/** stop_machine: dying CPU + 1 (0 = none), phase word (gen*4 + phase), arrivals, generation, controller */
export const H_SM_CPU = 15;
export const H_SM_PHASE = 16;
export const H_SM_ARRIVED = 17;
export const H_SM_GEN = 18;
export const H_SM_CTRL = 19;
export const H_POLL_SPINS = 20;
export const H_STOP = 21;
/** csd_unlock of a CSD whose lock bit was clear (kernel: WARN_ON) */
export const H_UNLOCK_WARN = 22;
/** queued functions that ran on an offline CPU outside its dying flush (INV-NOT-ON-OFFLINE) */
export const H_OFFLINE_RUNS = 23;
/** a flush batch longer than the CSD pool: a list cycle (double queueing, B6) */
export const H_LIST_CORRUPT = 24;
/** test gate: fn_stall spins until this word is non-zero */
export const H_GATE = 25;
export const H_ALLOC_FAILS = 26;
/** threads runtime: loads spent spinning on a word before sleeping */
export const H_SPIN_LOADS = 28;
/** lock-wait debug reports posted by workers (the host waits until it received them all) */
export const H_REPORTS = 29;
/** waiting calls that returned 0 before their function ran on every target (INV-SYNC-AFTER-RUN) */
export const H_SYNC_EARLY = 30;
/** cpu_hotplug_lock: controller cpu + 1, 0 = free */
export const H_HP_LOCK = 27;
/** lock-wait debug: bit t set = CPU t's backtrace token was taken by a waiter (B10); re-armed when t flushes */
export const H_BT_TOKEN = 31;
export const HEADER_WORDS = 32;

export const FLAG_TRACE = 1;
export const FLAG_CSDLOCK_DEBUG = 2;
export const FLAG_IDLE_POLL = 4;

// ---- per CPU --------------------------------------------------------------------------------
export const C_QUEUE = 0; // call_single_queue head (CSD index or NULL)
export const C_STATE = 1; // hotplug state (HP_*)
export const C_DOORBELL = 2; // IPI pending
export const C_TIF = 3; // TIF_POLLING_NRFLAG | TIF_NEED_RESCHED of the idle task
export const C_CSD_DATA = 4; // this CPU's csd_data
export const C_STACK_CSD = 5; // the "on-stack" CSD of a waiting smp_call_function_single
export const C_CFD = 6; // cfd block index or NULL
// word 7: free (the wake word is C_WAKE below, on a line of its own)
export const C_IRQS_OFF = 8;
export const C_CUR_CSD = 9; // debug: CSD being run (NULL = none); func id in C_CUR_FUNC
export const C_CUR_FUNC = 10;
export const C_MB_HEAD = 11;
export const C_MB_TAIL = 12;
export const C_SM_DONE = 13; // generation of the last take_cpu_down finished on this CPU
export const C_IPIS = 14; // IPIs handled (statistics)
export const C_IDLE = 15; // 1 while halted in idle (for deadlock reports)
export const C_USER_CSD = 16; // USER_CSDS words: caller-owned CSDs for smp_call_function_single_async
export const USER_CSDS = 4;
/** The user CSD slot every CPU exposes as its shared async CSD (like rq->nohz_csd): any CPU submits it to its owner. */
export const SHARED_CSD_SLOT = USER_CSDS - 1;
/** The user CSD slot a self-resubmitting chain (fn_resubmit) uses: nothing else submits it. */
export const RESUBMIT_CSD_SLOT = USER_CSDS - 2;
export const C_SM_SEEN = 20; // last stop_machine generation this CPU took part in
export const C_SM_PARKED = 21; // 1 while parked in stop_machine
/** IRQ_WORKS words: this CPU's own irq_works (struct irq_work, laid out as CSDs of the pool) */
export const C_IRQ_WORK = 22;
export const IRQ_WORKS = 2;
/** TASKS words: this CPU's tasks' wake_entry nodes (TTWU entries; the last one is fn_ttwu_next's) */
export const C_TASK = 24;
export const TASKS = 3;
/**
 * The wake words sit 18+ words (72+ bytes) from the words a CPU reads at every step (doorbell,
 * interrupt flag) and from the next CPU's queue head and thread flags, so they share no 64-byte
 * line with either whatever the buffer's alignment (malloc gives 16 bytes): a kick (every
 * csd_unlock wakes the CSD's owner) then invalidates a line the owner does not read on its way
 * back from csd_lock_wait, and the next CPU's polling line stays out of it. Words 27 and
 * 30..47 are free padding.
 */
export const C_WAKE = 28; // wake sequence: bumped by anything a sleeping CPU must notice
export const C_SLEEPING = 29; // threads runtime: 1 while this CPU sleeps on its wake word (kick notifies only then)
export const CPU_WORDS = 48;

export const TIF_POLLING = 1;
export const TIF_NEED_RESCHED = 2;

/** Hotplug states of one CPU (smp-protocol.md §5). */
export const HP_OFFLINE = 0;
export const HP_PREPARED = 1;
export const HP_ONLINE = 2;
export const HP_DYING = 3;
export const HP_DEAD = 4;
export const HP_NAMES = ['offline', 'prepared', 'online', 'dying', 'dead'] as const;

// ---- mailbox --------------------------------------------------------------------------------
export const MB_CAP = 256;

// ---- CSD ------------------------------------------------------------------------------------
export const F_NEXT = 0;
export const F_FLAGS = 1;
export const F_FUNC = 2;
export const F_INFO = 3;
export const F_SRC = 4;
export const F_DST = 5;
/** instrumentation (KASAN-like): 1 while the CSD's cfd block is freed; cleared when it is allocated again */
export const F_POISON = 6;
/**
 * Not a kernel field: the submitters' lock of a shared async CSD (submit_shared_csd, shared-csd.ts).
 * In the kernel it lives in the caller's own structure; kept beside the CSD here.
 */
export const F_CALLER_LOCK = 7;
export const CSD_WORDS = 8;
export const CSD_FLAG_LOCK = 0x01;
export const CSD_TYPE_MASK = 0xf0;
export const CSD_TYPE_ASYNC = 0x00;
export const CSD_TYPE_SYNC = 0x10;
export const CSD_TYPE_IRQ_WORK = 0x20;
export const CSD_TYPE_TTWU = 0x30;
/**
 * struct irq_work shares the CSD's flags word (node.u_flags): PENDING is bit 0 (the CSD lock bit's
 * place), BUSY bit 1, CLAIMED both; the type bits say CSD_TYPE_IRQ_WORK.
 */
export const IRQ_WORK_PENDING = 0x01;
export const IRQ_WORK_BUSY = 0x02;
export const IRQ_WORK_CLAIMED = IRQ_WORK_PENDING | IRQ_WORK_BUSY;
/**
 * A task's wake_entry (p->wake_entry) in the flags word: 0 while the task sleeps (it may be woken),
 * TASK_WAKING (bit 0, the CSD lock bit's place) with CSD_TYPE_TTWU from the waker's claim until
 * sched_ttwu_pending activates it.
 */
export const TASK_WAKING = 0x01;

// ---- cfd blocks -----------------------------------------------------------------------------
export const B_MASKS = 0; // 1 while the masks allocation is live
export const B_CSDS = 1; // 1 while the per-target CSD array allocation is live
export const B_CPUMASK = 2;
export const B_CPUMASK_IPI = 3;
export const B_OWNER = 4;
/** instrumentation: 1 once freed (quarantine: the allocator hands out never-freed blocks first) */
export const B_FREED = 5;
export const CFD_WORDS = 8;

// ---- requests -------------------------------------------------------------------------------
export const R_KIND = 0;
export const R_ISSUER = 1;
export const R_ARG = 2; // target cpu, or cpumask
export const R_FLAGS = 3; // RQ_*
export const R_FUNC = 4;
export const R_STATUS = 5; // RS_*
export const R_RC = 6;
export const R_EXPECTED = 7; // mask of CPUs this request was queued to or run locally on
export const R_RAN = 8; // mask of CPUs it ran on
export const R_RUNS = 9;
export const R_DUP = 10;
export const R_WRONG = 11;
export const R_COND = 12; // cond mask for *_cond calls (cond(cpu) = bit set)
export const R_CSD = 13; // user CSD slot for single_async
export const R_ELAPSED_NS = 14; // bench_single: elapsed ns of the whole loop, float64 in words 14..15
/** trace clock (seconds, as ctx.now) when the issuing CPU started the command, float64 in words 16..17 */
export const R_T_START = 16;
/** trace clock when the command returned, float64 in words 18..19 (stress latency, failure windows) */
export const R_T_END = 18;
/** fn_resubmit: resubmissions made from this request's function (it resubmits once) */
export const R_RESUBMITS = 20;
/**
 * The function's effect as kernel data: each run ORs its CPU's bit in with an unordered atomic_or
 * through `c.a`, and a waiting caller reads it back with READ_ONCE after the wait. Under a weak
 * memory model this is the data the csd_unlock release / csd_lock_wait acquire pair must publish.
 */
export const R_EFFECT = 21;
export const REQ_WORDS = 22;
export const RQ_WAIT = 1;
export const RQ_IRQS_OFF = 2;
export const RQ_HAS_COND = 4;
export const RQ_RUN_LOCAL = 8;
/** single_async: the target's shared async CSD (SHARED_CSD_SLOT), through submit_shared_csd */
export const RQ_SHARED_CSD = 16;
/** single, wait=0: the destination CPU's csd_data instead of the caller's (the 2026 debug path, B11) */
export const RQ_DST_CSD = 32;
export const RS_FREE = 0;
export const RS_POSTED = 1;
export const RS_STARTED = 2;
export const RS_RETURNED = 3;

// ---- trace ring -----------------------------------------------------------------------------
export const T_TYPE = 0; // event id | flags << 8 | 1 << 31 when written
export const T_CPU = 1;
export const T_A = 2;
export const T_B = 3;
export const T_C = 4;
export const T_D = 5;
export const T_TS = 6; // float64 at words 6..7 (seconds)
export const TRACE_WORDS = 8;

export const NFUNCS = 10;
/** Static CSDs per CPU: csd_data, the stack CSD, the user CSDs, the irq_works, the tasks' wake_entries. */
const STATIC_PER_CPU = 2 + USER_CSDS + IRQ_WORKS + TASKS;

export interface LayoutConfig {
  readonly cpus: number;
  readonly requests?: number;
  readonly traceCap?: number;
}

/** Word offsets of each region for a given CPU count; pure arithmetic, identical on every thread. */
export class Layout {
  readonly ncpus: number;
  readonly cpu0: number;
  readonly mb0: number;
  readonly csd0: number;
  readonly staticCsds: number;
  readonly cfdBlocks: number;
  readonly cfd0: number;
  readonly csdCount: number;
  readonly reqCap: number;
  readonly req0: number;
  readonly func0: number;
  readonly traceCap: number;
  readonly trace0: number;
  readonly words: number;

  constructor(cfg: LayoutConfig) {
    const n = cfg.cpus;
    if (!Number.isInteger(n) || n < 1 || n > MAX_CPUS) {
      throw new RangeError(`cpus: ${String(n)} is not an integer in 1..${MAX_CPUS}`);
    }
    this.ncpus = n;
    this.cpu0 = HEADER_WORDS;
    this.mb0 = this.cpu0 + n * CPU_WORDS;
    this.csd0 = this.mb0 + n * MB_CAP;
    // csd_data + stack CSD + user CSDs + irq_works per CPU
    this.staticCsds = n * STATIC_PER_CPU;
    // Two blocks per CPU so that a leaked cfd (variant cfd-not-freed-at-dead) does not make the
    // next prepare fail for lack of room: the leak must be visible in the counts, not as -ENOMEM.
    this.cfdBlocks = 2 * n;
    this.csdCount = this.staticCsds + this.cfdBlocks * n;
    this.cfd0 = this.csd0 + this.csdCount * CSD_WORDS;
    this.reqCap = cfg.requests ?? 4096;
    const r0 = this.cfd0 + this.cfdBlocks * CFD_WORDS;
    this.req0 = r0 + (r0 & 1); // float64 alignment of R_ELAPSED_NS (REQ_WORDS is even)
    this.func0 = this.req0 + this.reqCap * REQ_WORDS;
    this.traceCap = cfg.traceCap ?? 16384;
    const t = this.func0 + NFUNCS * n;
    this.trace0 = t + (t & 1); // float64 alignment
    this.words = this.trace0 + this.traceCap * TRACE_WORDS;
  }

  cpu(cpu: number, field: number): number {
    return this.cpu0 + cpu * CPU_WORDS + field;
  }
  mailbox(cpu: number, slot: number): number {
    return this.mb0 + cpu * MB_CAP + (slot % MB_CAP);
  }
  csd(idx: number, field: number): number {
    return this.csd0 + idx * CSD_WORDS + field;
  }
  csdData(cpu: number): number {
    return cpu * STATIC_PER_CPU;
  }
  stackCsd(cpu: number): number {
    return cpu * STATIC_PER_CPU + 1;
  }
  userCsd(cpu: number, k: number): number {
    return cpu * STATIC_PER_CPU + 2 + k;
  }
  /** The irq_work `k` owned by `cpu` (its node is a CSD of the pool). */
  irqWork(cpu: number, k: number): number {
    return cpu * STATIC_PER_CPU + 2 + USER_CSDS + k;
  }
  /** Is CSD index `x` one of the irq_works (a static slot past the user CSDs)? */
  isIrqWork(x: number): boolean {
    const k = x % STATIC_PER_CPU;
    return x >= 0 && x < this.staticCsds && k >= 2 + USER_CSDS && k < 2 + USER_CSDS + IRQ_WORKS;
  }
  /** The wake_entry of task `k` of `cpu` (a node of the pool). */
  task(cpu: number, k: number): number {
    return cpu * STATIC_PER_CPU + 2 + USER_CSDS + IRQ_WORKS + k;
  }
  /** Is CSD index `x` a task's wake_entry (a TTWU node)? */
  isTask(x: number): boolean {
    return x >= 0 && x < this.staticCsds && x % STATIC_PER_CPU >= 2 + USER_CSDS + IRQ_WORKS;
  }
  cfd(block: number, field: number): number {
    return this.cfd0 + block * CFD_WORDS + field;
  }
  /** The per-target CSD `target` of cfd block `block` (per_cpu_ptr(cfd->csd, target)). */
  cfdCsd(block: number, target: number): number {
    return this.staticCsds + block * this.ncpus + target;
  }
  req(id: number, field: number): number {
    return this.req0 + id * REQ_WORDS + field;
  }
  funcRuns(func: number, cpu: number): number {
    return this.func0 + func * this.ncpus + cpu;
  }
  trace(slot: number, field: number): number {
    return this.trace0 + (slot % this.traceCap) * TRACE_WORDS + field;
  }
  /** Byte address of a CSD as shown in trace lines (csd=%p). */
  csdAddress(idx: number): number {
    return idx < 0 ? 0 : (this.csd0 + idx * CSD_WORDS) * 4;
  }
  /** Inverse of csdAddress, or NULL. */
  csdFromAddress(addr: number): number {
    if (addr === 0) return NULL;
    const w = addr / 4 - this.csd0;
    return w % CSD_WORDS === 0 ? w / CSD_WORDS : NULL;
  }
}

export type Shared = Int32Array<SharedArrayBuffer>;
