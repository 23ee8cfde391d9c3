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
