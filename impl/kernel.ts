/**
 * The per-system function table: every named kernel function of smp.c (and of its hotplug and idle
 * neighbours) that the protocol calls on another one goes through `c.k`, so a variant replaces a
 * function as a whole by giving the table another entry (impl/variant.ts). The protocol source
 * has no fault branches: `SMP_C` below is the correct code, and a broken variant is a table that
 * differs from it in the entries its file names.
 *
 * Entry names are the kernel's (C identifiers, so they read like smp.c at the call site:
 * `yield* c.k.csd_lock(c, csd)`); arguments are ours (CSDs, queues and CPUs are word indices of
 * the one SharedArrayBuffer, see layout.ts). Each entry is documented where it is implemented.
 */
import { csdLock, csdLockWait, csdUnlock } from './csd-lock.js';
import { flushSmpCallFunctionQueueInner } from './flush.js';
import { smpcfdDeadCpu, smpcfdDyingCpu, smpcfdPrepareCpu, stopMachineCpuslocked, takeCpuDown } from './hotplug.js';
import { doIdle } from './idle.js';
import { irqWorkQueueOn, irqWorkSingle } from './irq-work.js';
import { schedTtwuPending, ttwuQueueWakelist } from './ttwu.js';
import { sendCallFunctionIpiMask, sendCallFunctionSingleIpi } from './ipi.js';
import { llistAdd, llistDelAll, llistReverseOrder } from './llist.js';
import { triggerBacktrace } from './lockwait-debug.js';
import type { Ctx, Proto } from './memory.js';
import { submitSharedCsd } from './shared-csd.js';
import {
  genericExecSingle, smpCallFunctionManyCond, smpCallFunctionSingle, smpCallFunctionSingleAsync, smpCallSingleQueue,
} from './smp.js';

export interface KernelFunctions {
  /** csd-lock.ts: spin/sleep until the CSD's lock bit is clear (acquire). */
  csd_lock_wait(c: Ctx, csd: number, sleepBoundMs?: number): Proto;
  /** csd-lock.ts: csd_lock_wait, then set the lock bit, then smp_wmb. */
  csd_lock(c: Ctx, csd: number): Proto;
  /** csd-lock.ts: release store of 0 to the flags word, wake the owner. */
  csd_unlock(c: Ctx, csd: number): Proto;
  /** llist.ts: push with cmpxchg; true iff the list was empty before. */
  llist_add(c: Ctx, head: number, node: number): Proto<boolean>;
  /** llist.ts: take the whole list with xchg; returns the first node (newest) or NULL. */
  llist_del_all(c: Ctx, head: number): Proto<number>;
  /** llist.ts: the private chain from `first`, oldest first (not a scheduling point). */
  llist_reverse_order(c: Ctx, first: number): number[];
  /** ipi.ts: the single-target IPI with the idle-polling shortcut. */
  send_call_function_single_ipi(c: Ctx, cpu: number, callsite: number): Proto;
  /** ipi.ts: the mask IPI (no polling shortcut). */
  send_call_function_ipi_mask(c: Ctx, mask: number, callsite: number): Proto;
  /** flush.ts: run this CPU's queue (interrupts off): SYNC pass, then ASYNC/IRQ_WORK pass, then the TTWU chain. */
  __flush_smp_call_function_queue(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto;
  /** smp.ts: trace, llist_add onto `cpu`'s queue, IPI on the empty edge. */
  __smp_call_single_queue(c: Ctx, cpu: number, csd: number, callsite: number): Proto;
  /** smp.ts: self-call, -ENXIO, or queue; the CSD is locked and filled by the caller. */
  generic_exec_single(c: Ctx, cpu: number, csd: number, callsite: number): Proto<number>;
  /** smp.ts (`dstCsd`: the destination's csd_data, shared by its senders: B11's debug path) */
  smp_call_function_single(c: Ctx, cpu: number, func: number, info: number, wait: boolean, dstCsd?: boolean): Proto<number>;
  /** smp.ts: -EBUSY if the CSD is still locked. */
  smp_call_function_single_async(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number>;
  /** shared-csd.ts, not a kernel function: the submitters' exclusion around a shared async CSD (B6). */
  submit_shared_csd(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number>;
  /** smp.ts: the core of every many-call (`cond` a CPU mask or null). */
  smp_call_function_many_cond(c: Ctx, mask: number, func: number, info: number, scfFlags: number, cond: number | null): Proto<number>;
  /** hotplug.ts: allocate the cfd of `cpu` (-ENOMEM with rollback). */
  smpcfd_prepare_cpu(c: Ctx, cpu: number): Proto<number>;
  /** hotplug.ts: on the dying CPU, interrupts off, already offline: flush the queue. */
  smpcfd_dying_cpu(c: Ctx): Proto;
  /** hotplug.ts: on the control CPU: free the dead CPU's cfd. */
  smpcfd_dead_cpu(c: Ctx, cpu: number): Proto;
  /** hotplug.ts: on the dying CPU inside stop_machine: mark offline, then the DYING callbacks. */
  take_cpu_down(c: Ctx, gen: number): Proto;
  /** hotplug.ts: the control CPU's stop_machine(take_cpu_down, cpu): rendezvous, run, wait for done. */
  stop_machine_cpuslocked(c: Ctx, cpu: number, online: number): Proto;
  /** idle.ts: one idle period (poll, leave polling and test NEED_RESCHED, flush or halt); `seq` = wake word read before. */
  do_idle(c: Ctx, seq: number): Proto;
  /** irq-work.ts: claim `work` (atomic fetch_or), fill it, queue it on `cpu`'s call_single_queue (0, -EBUSY, -ENXIO). */
  irq_work_queue_on(c: Ctx, work: number, cpu: number, func: number, info: number): Proto<number>;
  /** irq-work.ts: the flush's run of one IRQ_WORK entry (PENDING dropped before the func, BUSY after). */
  irq_work_single(c: Ctx, work: number, hardirq: boolean): Proto;
  /** ttwu.ts: claim the sleeping `task`, queue its wake_entry (TTWU) on `cpu`'s call_single_queue (0, -EBUSY, -ENXIO). */
  ttwu_queue_wakelist(c: Ctx, task: number, cpu: number, func: number, info: number): Proto<number>;
  /** ttwu.ts: the flush's third pass: activate every task of the TTWU chain, oldest first. */
  sched_ttwu_pending(c: Ctx, chain: readonly number[], hardirq: boolean): Proto;
  /** lockwait-debug.ts: take the per-target NMI-backtrace token; true = this waiter may dump `cpu`. */
  trigger_backtrace(c: Ctx, cpu: number): boolean;
}

export type KernelFunctionName = keyof KernelFunctions;

/** The correct protocol: kernel/smp.c as the spec describes it. */
export const SMP_C: Readonly<KernelFunctions> = Object.freeze({
  csd_lock_wait: csdLockWait,
  csd_lock: csdLock,
  csd_unlock: csdUnlock,
  llist_add: llistAdd,
  llist_del_all: llistDelAll,
  llist_reverse_order: llistReverseOrder,
  send_call_function_single_ipi: sendCallFunctionSingleIpi,
  send_call_function_ipi_mask: sendCallFunctionIpiMask,
  __flush_smp_call_function_queue: flushSmpCallFunctionQueueInner,
  __smp_call_single_queue: smpCallSingleQueue,
  generic_exec_single: genericExecSingle,
  smp_call_function_single: smpCallFunctionSingle,
  smp_call_function_single_async: smpCallFunctionSingleAsync,
  submit_shared_csd: submitSharedCsd,
  smp_call_function_many_cond: smpCallFunctionManyCond,
  smpcfd_prepare_cpu: smpcfdPrepareCpu,
  smpcfd_dying_cpu: smpcfdDyingCpu,
  smpcfd_dead_cpu: smpcfdDeadCpu,
  take_cpu_down: takeCpuDown,
  stop_machine_cpuslocked: stopMachineCpuslocked,
  do_idle: doIdle,
  irq_work_queue_on: irqWorkQueueOn,
  irq_work_single: irqWorkSingle,
  ttwu_queue_wakelist: ttwuQueueWakelist,
  sched_ttwu_pending: schedTtwuPending,
  trigger_backtrace: triggerBacktrace,
});

export const KERNEL_FUNCTION_NAMES: readonly KernelFunctionName[] = Object.keys(SMP_C) as KernelFunctionName[];
