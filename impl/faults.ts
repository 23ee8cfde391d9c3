/**
 * Broken variants, selected at run time by id. The set is stored as a bitmask in the SAB header
 * (H_FAULTS) and copied once into `ctx.faults`, so the correct path pays one bit test at each of
 * the few decision points. Each fault names the historical bug it recalls (smp-protocol.md §9).
 */
export const FAULT_IDS = [
  'no-dying-flush', // B3/B5: smpcfd_dying_cpu does not flush the queue
  'sync-unlock-before-func', // SYNC unlocked before its func ran: waiter returns early
  'async-unlock-after-func', // B4: ASYNC unlocked after its func
  'no-ebusy-check', // B6-like: async submission does not test the lock bit
  'no-ipi-on-empty-edge', // producer skips the IPI when its llist_add found the queue empty
  'no-stop-machine-barrier', // take_cpu_down without waiting for every CPU to leave its window
  'cfd-not-freed-at-dead', // smpcfd_dead_cpu leaks the cfd
  'mask-not-intersected-online', // many-call snapshot not intersected with cpu_online_mask
  'b9-wait-only-if-ipi', // B9: wait only when an IPI was sent
  'idle-no-recheck', // idle leaves polling without re-checking NEED_RESCHED / the queue
  'offline-warn-checks-queue', // B8: the offline detector tests the emptied queue, not the batch
  'lockwait-no-bt-token', // B10: every lock-wait reporter backtraces the same stuck target
  'llist-add-no-cas', // llist_add as plain read-then-write of the head (no cmpxchg)
  'del-all-no-xchg', // llist_del_all as a load then a store of NULL (no xchg)
  'llist-not-reversed', // the taken batch is run LIFO (llist_reverse_order skipped)
  'csd-lock-no-wait', // csd_lock sets the bit without waiting for the previous use to end
  'many-wait-first-only', // many-call waits only on the first CSD it queued
  'flush-before-offline', // dying flush before the CPU is marked offline, no stop_machine barrier
  'cfd-freed-at-dying', // the cfd is freed in smpcfd_dying_cpu instead of smpcfd_dead_cpu
  'double-unlock', // the flush unlocks a SYNC CSD twice (once before, once after func)
] as const;

export type FaultId = (typeof FAULT_IDS)[number];

export function faultBit(id: FaultId): number {
  return 1 << FAULT_IDS.indexOf(id);
}

export function faultMask(faults: Iterable<string>): number {
  let m = 0;
  for (const f of faults) {
    const i = (FAULT_IDS as readonly string[]).indexOf(f);
    if (i < 0) throw new RangeError(`faults: unknown fault id '${f}' (known: ${FAULT_IDS.join(', ')})`);
    m |= 1 << i;
  }
  return m;
}

export function faultNames(mask: number): FaultId[] {
  return FAULT_IDS.filter((_, i) => (mask & (1 << i)) !== 0);
}

export const F_NO_DYING_FLUSH = faultBit('no-dying-flush');
export const F_SYNC_UNLOCK_BEFORE_FUNC = faultBit('sync-unlock-before-func');
export const F_ASYNC_UNLOCK_AFTER_FUNC = faultBit('async-unlock-after-func');
export const F_NO_EBUSY_CHECK = faultBit('no-ebusy-check');
export const F_NO_IPI_ON_EMPTY_EDGE = faultBit('no-ipi-on-empty-edge');
export const F_NO_STOP_MACHINE_BARRIER = faultBit('no-stop-machine-barrier');
export const F_CFD_NOT_FREED_AT_DEAD = faultBit('cfd-not-freed-at-dead');
export const F_MASK_NOT_INTERSECTED_ONLINE = faultBit('mask-not-intersected-online');
export const F_B9_WAIT_ONLY_IF_IPI = faultBit('b9-wait-only-if-ipi');
export const F_IDLE_NO_RECHECK = faultBit('idle-no-recheck');
export const F_OFFLINE_WARN_CHECKS_QUEUE = faultBit('offline-warn-checks-queue');
export const F_LOCKWAIT_NO_BT_TOKEN = faultBit('lockwait-no-bt-token');
export const F_LLIST_ADD_NO_CAS = faultBit('llist-add-no-cas');
export const F_DEL_ALL_NO_XCHG = faultBit('del-all-no-xchg');
export const F_LLIST_NOT_REVERSED = faultBit('llist-not-reversed');
export const F_CSD_LOCK_NO_WAIT = faultBit('csd-lock-no-wait');
export const F_MANY_WAIT_FIRST_ONLY = faultBit('many-wait-first-only');
export const F_FLUSH_BEFORE_OFFLINE = faultBit('flush-before-offline');
export const F_CFD_FREED_AT_DYING = faultBit('cfd-freed-at-dying');
export const F_DOUBLE_UNLOCK = faultBit('double-unlock');
