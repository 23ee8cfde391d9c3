/**
 * Workloads: what the CPUs of the composed model are asked to do. A workload is a per-CPU script
 * of API calls plus hotplug cycles; the explorer then tries ALL interleavings of it. `compile`
 * turns a workload into the static tables the system machine closes over (requests, CSD slots,
 * physical CSDs), so the machine's context holds only what changes.
 */

/** The APIs of smp-protocol.md §2, plus the two non-function entry types sharing the queue. */
export type RequestKind =
  | 'single' // smp_call_function_single(cpu, func, info, wait)
  | 'single_async' // smp_call_function_single_async(cpu, csd)
  | 'any' // smp_call_function_any(mask, func, info, wait)
  | 'many' // smp_call_function_many(mask, func, info, wait)
  | 'many_cond' // smp_call_function_many_cond(mask, func, info, flags, cond)
  | 'on_each_cpu_cond_mask' // on_each_cpu_cond_mask(cond, func, info, wait, mask)
  | 'irq_work' // irq_work_queue_on(work, cpu): IRQ_WORK entry on the target's call_single_queue
  | 'ttwu'; // ttwu_queue_wakelist: TTWU entry on the target's call_single_queue

export const REQUEST_KINDS: readonly RequestKind[] = [
  'single', 'single_async', 'any', 'many', 'many_cond', 'on_each_cpu_cond_mask', 'irq_work', 'ttwu',
];

/** CSD type bits (CSD_TYPE_*): decide the flush pass and the unlock point. */
export type EntryType = 'SYNC' | 'ASYNC' | 'IRQ_WORK' | 'TTWU';

export interface Request {
  readonly kind: RequestKind;
  /** Target CPU (single, single_async, irq_work, ttwu). May be out of range to exercise -ENXIO. */
  readonly target?: number;
  /** Target mask (any, many*); 'all' = every possible CPU. */
  readonly mask?: readonly number[] | 'all';
  /** SCF_WAIT / the `wait` argument. */
  readonly wait?: boolean;
  /** CPUs for which `cond_func` returns true (many_cond, on_each_cpu_cond_mask); absent = no cond. */
  readonly cond?: readonly number[];
  /** SCF_RUN_LOCAL for many_cond (on_each_cpu_cond_mask always sets it, many never does). */
  readonly runLocal?: boolean;
  /** Name of the caller-owned CSD (single_async) or irq_work; same name = same memory, reused. */
  readonly csd?: string;
  /**
   * Whose CSD it is (default: the caller's). single_async: another CPU's CSD `csd`, submitted by
   * several CPUs (their caller serialises the -EBUSY test, B6); single without wait: that CPU's
   * csd_data (the shared destination CSD of B11).
   */
  readonly csdOwner?: number;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Scripts for CPU 0, 1, …; CPUs beyond the list have empty scripts (they idle). */
  readonly scripts: readonly (readonly Request[])[];
  /** Scripts as a function of the CPU count (overrides `scripts`), for workloads that scale with N. */
  readonly generate?: (n: number) => readonly (readonly Request[])[];
  /** CPUs that go through offline→online cycles (never CPU 0: the last CPU cannot go down). */
  readonly hotplug?: readonly { readonly cpu: number; readonly cycles: number }[];
  /** Let the first prepare of each hotplugged CPU fail with -ENOMEM (then retried). */
  readonly enomem?: boolean;
  /** CPUs with an empty script idle by polling (TIF_POLLING_NRFLAG) instead of halting. */
  readonly idlePolling?: boolean;
  /** Smallest CPU count the scripts make sense for. */
  readonly minCpus?: number;
}

export interface CompiledRequest {
  readonly id: number;
  readonly cpu: number;
  readonly kind: RequestKind;
  readonly wait: boolean;
  /** Bit mask of target CPUs (any, many*). */
  readonly mask: number;
  /** Bit mask of CPUs where cond holds; all ones without cond. */
  readonly cond: number;
  readonly runLocal: boolean;
  /** many-family: one CSD slot per remote CPU of the mask; others: exactly one slot. */
  readonly many: boolean;
  readonly target: number;
  readonly slots: readonly number[];
  readonly text: string;
}

/** One CSD use: the unit the CSD statechart (csd-chart.ts) describes. */
export interface CompiledSlot {
  readonly id: number;
  readonly req: number;
  readonly caller: number;
  readonly type: EntryType;
  /** Fixed target for many-family slots; for single-family slots resolved at the call. */
  readonly target: number;
  /** Index into `csds`: the memory this use locks (stack, csd_data, cfd per-target, user csd). */
  readonly csd: number;
}

export interface CompiledWorkload {
  readonly name: string;
  readonly n: number;
  readonly requests: readonly CompiledRequest[];
  readonly slots: readonly CompiledSlot[];
  /** Request ids per CPU in script order. */
  readonly scripts: readonly (readonly number[])[];
  readonly csds: readonly string[];
  readonly hpCycles: readonly number[];
  readonly enomem: boolean;
  readonly polling: readonly boolean[];
}

export class WorkloadError extends Error {}

const MANY_KINDS: ReadonlySet<RequestKind> = new Set(['many', 'many_cond', 'on_each_cpu_cond_mask']);

function bits(list: readonly number[] | 'all' | undefined, n: number): number {
  if (list === undefined || list === 'all') return (1 << n) - 1;
  let m = 0;
  for (const c of list) if (c >= 0 && c < n) m |= 1 << c;
  return m;
}

export function describeRequest(r: Request): string {
  const parts: string[] = [];
  if (r.target !== undefined) parts.push(`target=${r.target}`);
  if (r.mask !== undefined) parts.push(`mask=${r.mask === 'all' ? 'all' : `{${r.mask.join(',')}}`}`);
  if (r.cond !== undefined) parts.push(`cond={${r.cond.join(',')}}`);
  if (r.runLocal === true || r.kind === 'on_each_cpu_cond_mask') parts.push('run_local');
  if (r.csd !== undefined) parts.push(`csd=${r.csd}`);
  if (r.csdOwner !== undefined) parts.push(`csd_of=${r.csdOwner}`);
  if (r.wait === true) parts.push('wait');
  return `${r.kind}(${parts.join(', ')})`;
}

/** Validate and flatten a workload for `n` CPUs; throws WorkloadError with a one-line message. */
export function compileWorkload(w: Workload, n: number): CompiledWorkload {
  if (!Number.isInteger(n) || n < 2 || n > 8) throw new WorkloadError(`cpus must be an integer in 2..8, got ${n}`);
  if (w.minCpus !== undefined && n < w.minCpus) {
    throw new WorkloadError(`workload ${w.name} needs at least ${w.minCpus} CPUs, got ${n}`);
  }
  const given = w.generate === undefined ? w.scripts : w.generate(n);
  if (given.length > n) throw new WorkloadError(`workload ${w.name} has scripts for ${given.length} CPUs, more than cpus=${n}`);
  const csds: string[] = [];
  const csdIndex = (name: string): number => {
    const i = csds.indexOf(name);
    if (i >= 0) return i;
    csds.push(name);
    return csds.length - 1;
  };
  const requests: CompiledRequest[] = [];
  const slots: CompiledSlot[] = [];
  const scripts: number[][] = [];
  for (let cpu = 0; cpu < n; cpu++) {
    const ids: number[] = [];
    for (const r of given[cpu] ?? []) {
      const id = requests.length;
      const many = MANY_KINDS.has(r.kind);
      const wait = r.wait === true && r.kind !== 'single_async' && r.kind !== 'irq_work' && r.kind !== 'ttwu';
      const target = r.target ?? -1;
      if ((r.kind === 'single' || r.kind === 'single_async' || r.kind === 'irq_work' || r.kind === 'ttwu') && r.target === undefined) {
        throw new WorkloadError(`workload ${w.name}: cpu${cpu} ${r.kind} needs a target`);
      }
      if ((r.kind === 'irq_work' || r.kind === 'ttwu') && target === cpu) {
        throw new WorkloadError(`workload ${w.name}: cpu${cpu} ${r.kind} must target another CPU (the local CPU never queues to itself)`);
      }
      const owner = r.csdOwner ?? cpu;
      if (r.csdOwner !== undefined) {
        if (!Number.isInteger(owner) || owner < 0 || owner >= n) throw new WorkloadError(`workload ${w.name}: cpu${cpu} csdOwner ${String(owner)} is not a CPU in 0..${n - 1}`);
        if (r.kind !== 'single_async' && !(r.kind === 'single' && !wait)) {
          throw new WorkloadError(`workload ${w.name}: cpu${cpu} ${r.kind}: csdOwner is for single_async and single without wait`);
        }
      }
      const mask = bits(r.mask, n);
      const cond = r.cond === undefined ? (1 << n) - 1 : bits(r.cond, n);
      const runLocal = r.kind === 'on_each_cpu_cond_mask' || (r.kind === 'many_cond' && r.runLocal === true);
      const slotIds: number[] = [];
      const addSlot = (type: EntryType, t: number, csd: string): void => {
        slotIds.push(slots.length);
        slots.push({ id: slots.length, req: id, caller: cpu, type, target: t, csd: csdIndex(csd) });
      };
      if (many) {
        for (let t = 0; t < n; t++) {
          if (t !== cpu && (mask & (1 << t)) !== 0) addSlot(wait ? 'SYNC' : 'ASYNC', t, `cfd:${cpu}:${t}`);
        }
      } else if (r.kind === 'single' || r.kind === 'any') {
        addSlot(wait ? 'SYNC' : 'ASYNC', target, wait ? `stack:r${id}` : `csd_data:${owner}`);
      } else if (r.kind === 'single_async') {
        addSlot('ASYNC', target, `user:${owner}:${r.csd ?? 'csd'}`);
      } else if (r.kind === 'irq_work') {
        addSlot('IRQ_WORK', target, `irq_work:${cpu}:${r.csd ?? 'work'}`);
      } else {
        addSlot('TTWU', target, `ttwu:r${id}`);
      }
      requests.push({
        id, cpu, kind: r.kind, wait, mask, cond, runLocal, many, target, slots: slotIds,
        text: describeRequest(r),
      });
      ids.push(id);
    }
    scripts.push(ids);
  }
  const hpCycles = new Array<number>(n).fill(0);
  for (const h of w.hotplug ?? []) {
    if (!Number.isInteger(h.cpu) || h.cpu < 1 || h.cpu >= n) {
      throw new WorkloadError(`workload ${w.name}: hotplug cpu ${h.cpu} must be in 1..${n - 1}`);
    }
    hpCycles[h.cpu] = h.cycles;
  }
  const polling = scripts.map((s) => w.idlePolling === true && s.length === 0);
  return { name: w.name, n, requests, slots, scripts, csds, hpCycles, enomem: w.enomem === true, polling };
}

/**
 * Gives every CPU a workload is run with a part: the scripted CPUs keep their scripts, each further
 * CPU makes `extra` (by default an async call to cpu1). Without it a 3-CPU run of a 2-CPU script
 * only adds an idle CPU, which explores the same interleavings again.
 */
function everyCpu(w: Workload, extra: Request = { kind: 'single', target: 1 }): Workload {
  return {
    ...w,
    description: `${w.description}; every further CPU: ${describeRequest(extra)}`,
    generate: (n) => Array.from({ length: n }, (_, c) => w.scripts[c] ?? (c < 2 ? [] : [extra])),
  };
}

/**
 * The default workload set: every API, self targets, offline/invalid targets, -EBUSY reuse of an
 * async CSD and two submitters of one (B6), a many-call onto an already non-empty queue (B9), idle polling and hotplug during calls.
 * Written for any CPU count ≥ 2; CPUs beyond the scripted ones each make one call (`everyCpu`).
 */
export const DEFAULT_WORKLOADS: readonly Workload[] = ([
  {
    name: 'single-wait',
    description: 'cpu0 and cpu1 call each other synchronously; cpu0 also calls itself',
    scripts: [
      [{ kind: 'single', target: 1, wait: true }, { kind: 'single', target: 0, wait: true }],
      [{ kind: 'single', target: 0, wait: true }],
    ],
  },
  {
    name: 'async-ebusy',
    description: 'cpu0 submits the same async CSD twice (second may see -EBUSY), cpu1 an async csd_data call',
    scripts: [
      [{ kind: 'single_async', target: 1, csd: 'a' }, { kind: 'single_async', target: 1, csd: 'a' }],
      [{ kind: 'single', target: 0 }],
    ],
  },
  {
    name: 'async-shared',
    description: 'B6: cpu0 and cpu2 submit cpu1\'s shared async CSD, serialised by their caller (one queues it, the other gets -EBUSY or queues it after cpu1 took it); cpu1 calls cpu0',
    scripts: [
      [{ kind: 'single_async', target: 1, csd: 'shared', csdOwner: 1 }],
      [{ kind: 'single', target: 0 }],
      [{ kind: 'single_async', target: 1, csd: 'shared', csdOwner: 1 }],
    ],
  },
  {
    name: 'many-nonempty',
    description: 'B9: cpu1 queues an async call to cpu0, then a waiting many-call to all: cpu0\'s queue may already be non-empty (no IPI needed), yet cpu1 must wait',
    scripts: [
      [],
      [{ kind: 'single', target: 0 }, { kind: 'many', mask: 'all', wait: true }],
    ],
  },
  {
    name: 'many-cond',
    description: 'on_each_cpu_cond_mask (run_local) and many_cond with a cond that skips a CPU, no wait',
    scripts: [
      [{ kind: 'on_each_cpu_cond_mask', mask: 'all', cond: [0, 1], wait: true }],
      [{ kind: 'many_cond', mask: 'all', cond: [0], wait: false }],
    ],
  },
  {
    name: 'any-mixed',
    description: 'smp_call_function_any, an invalid target (-ENXIO), irq_work and a TTWU entry sharing the queue',
    scripts: [
      [{ kind: 'any', mask: [1], wait: true }, { kind: 'single', target: 9, wait: true }],
      [{ kind: 'irq_work', target: 0 }, { kind: 'ttwu', target: 0 }],
    ],
  },
  {
    name: 'idle-poll',
    description: 'idle polling targets: single calls to a polling CPU get need_resched instead of an IPI',
    idlePolling: true,
    scripts: [[{ kind: 'single', target: 1, wait: true }, { kind: 'single', target: 1 }]],
  },
  {
    name: 'hotplug',
    description: 'cpu1 goes down and up (first prepare fails -ENOMEM) while cpu0 calls it async and sync',
    hotplug: [{ cpu: 1, cycles: 1 }],
    enomem: true,
    scripts: [[{ kind: 'single', target: 1 }, { kind: 'single', target: 1, wait: true }]],
  },
  {
    name: 'hotplug-many',
    description: 'cpu1 goes down and up while cpu0 sends many-calls to all and cpu1 calls cpu0',
    hotplug: [{ cpu: 1, cycles: 1 }],
    scripts: [[{ kind: 'many', mask: 'all', wait: false }, { kind: 'many', mask: 'all', wait: true }], [{ kind: 'single', target: 0 }]],
  },
  {
    name: 'hotplug-async-many',
    description: 'cpu1 sends an async many-call to all, then goes down and up: its cfd CSDs may still be queued at smpcfd_dead_cpu',
    hotplug: [{ cpu: 1, cycles: 1 }],
    scripts: [[], [{ kind: 'many', mask: 'all', wait: false }]],
  },
] satisfies Workload[]).map((w) => everyCpu(w, w.name === 'single-wait' ? { kind: 'single', target: 0, wait: true } : w.name === 'many-nonempty' ? { kind: 'single', target: 0 } : undefined));

/**
 * The issue's sizing workload: N CPUs × 2 requests each × 1 hotplug cycle. Every CPU makes a
 * synchronous single call to its neighbour, then an async many-call to all; cpu1 goes down and up.
 */
export const STRESS_WORKLOAD: Workload = {
  name: 'stress',
  description: 'every CPU: sync single to its neighbour, then async many-call to all; cpu1 hotplugs once',
  scripts: [],
  generate: (n) =>
    Array.from({ length: n }, (_, c) => [
      { kind: 'single' as const, target: (c + 1) % n, wait: true },
      { kind: 'many' as const, mask: 'all' as const, wait: false },
    ]),
  hotplug: [{ cpu: 1, cycles: 1 }],
};

export function findWorkload(name: string): Workload {
  const w = [...DEFAULT_WORKLOADS, STRESS_WORKLOAD].find((x) => x.name === name);
  if (w === undefined) {
    throw new WorkloadError(`unknown workload "${name}" (known: ${[...DEFAULT_WORKLOADS, STRESS_WORKLOAD].map((x) => x.name).join(', ')})`);
  }
  return w;
}
