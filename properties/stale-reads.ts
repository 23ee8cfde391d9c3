/**
 * Weak-memory annotations for counterexample timelines: which load read which older store
 * (lkmm: a message before the newest of its word), named by the word it read, and which barrier
 * of smp.c would have forbidden it. Only value-stale reads (the value differs from the newest)
 * are shown, at most MAX_ROWS, the latest ones: they are the ones a reader can act on.
 */
import {
  C_CFD, C_QUEUE, C_STATE, C_TIF, CPU_WORDS, CSD_WORDS, F_DST, F_FLAGS, F_FUNC, F_INFO, F_NEXT, F_SRC, H_SM_ARRIVED, H_SM_PHASE,
  R_EFFECT, REQ_WORDS, type Layout,
} from '../impl/layout.js';
import type { StaleRead } from '../impl/runtime/cpu-stepper.js';
import type { TimelineEntry } from '../model/types.js';

const MAX_ROWS = 12;

const CSD_FIELDS: Readonly<Record<number, string>> = { [F_NEXT]: 'next', [F_FLAGS]: 'flags', [F_FUNC]: 'func', [F_INFO]: 'info', [F_SRC]: 'src', [F_DST]: 'dst' };
const CPU_FIELDS: Readonly<Record<number, string>> = { [C_QUEUE]: 'call_single_queue', [C_STATE]: 'hotplug state', [C_TIF]: 'thread flags', [C_CFD]: 'cfd' };

/** A kernel word as a reader of smp.c would name it, and the barrier that orders a read of it. */
export function wordOf(L: Layout, i: number): { name: string; barrier: string } {
  if (i >= L.csd0 && i < L.csd0 + L.csdCount * CSD_WORDS) {
    const csd = Math.floor((i - L.csd0) / CSD_WORDS);
    const f = (i - L.csd0) % CSD_WORDS;
    const name = `csd #${csd} ->${CSD_FIELDS[f] ?? `word ${f}`}`;
    return f === F_FLAGS
      ? { name, barrier: 'csd_lock_wait\'s acquire (smp_cond_load_acquire) paired with csd_unlock\'s smp_store_release' }
      : { name, barrier: 'the fully ordered llist_add cmpxchg that publishes the node (paired with llist_del_all\'s xchg)' };
  }
  if (i >= L.cpu0 && i < L.cpu0 + L.ncpus * CPU_WORDS) {
    const cpu = Math.floor((i - L.cpu0) / CPU_WORDS);
    const f = (i - L.cpu0) % CPU_WORDS;
    const name = `cpu${cpu} ${CPU_FIELDS[f] ?? `per-cpu word ${f}`}`;
    return f === C_QUEUE
      ? { name, barrier: 'the idle path\'s smp_mb__after_atomic (pairs with llist_add\'s full barrier)' }
      : { name, barrier: 'an acquire, smp_rmb or smp_mb between this CPU\'s earlier reads and this load' };
  }
  if (i >= L.req0 && i < L.req0 + L.reqCap * REQ_WORDS && (i - L.req0) % REQ_WORDS === R_EFFECT) {
    return { name: `request ${Math.floor((i - L.req0) / REQ_WORDS)} func effect`, barrier: 'csd_unlock\'s smp_store_release paired with csd_lock_wait\'s acquire' };
  }
  if (i === H_SM_PHASE || i === H_SM_ARRIVED) return { name: i === H_SM_PHASE ? 'stop_machine phase' : 'stop_machine arrivals', barrier: 'the acquire/fully ordered accesses of multi_cpu_stop' };
  return { name: `word ${i}`, barrier: 'an acquire, smp_rmb or smp_mb between this CPU\'s earlier reads and this load' };
}

/** Timeline rows for the stale reads of a run (lane `other`), the latest MAX_ROWS value-stale ones. */
export function staleReadRows(L: Layout, reads: readonly StaleRead[]): TimelineEntry[] {
  const shown = reads.filter((r) => r.v !== r.newestV).slice(-MAX_ROWS);
  return shown.map((r) => {
    const w = wordOf(L, r.i);
    return {
      step: r.step, cpu: r.cpu, lane: 'other' as const,
      text: `stale read: ${w.name} = ${r.v} (store #${r.ts}; newest #${r.newestTs} = ${r.newestV}); forbidden by ${w.barrier}`,
    };
  });
}
