/**
 * Deliberately broken variants of the model, each a `machine.provide(...)` that replaces named
 * guards/actions with implementations built from `Semantics` with one rule changed. Each lists the
 * invariant IDs the explorer must find violated (tests assert it).
 */
import {
  CORRECT_SEMANTICS, Rules, makeActions, makeGuards, type ActionName, type GuardName, type Semantics, type SystemMachine,
} from './system.js';
import type { InvariantId } from './types.js';
import type { CompiledWorkload } from './workload.js';

export interface ModelFault {
  readonly id: string;
  readonly description: string;
  /** Historical bug it recalls (smp-protocol.md §9), if any. */
  readonly bug: string | null;
  /** Default workload that exposes it. */
  readonly workload: string;
  readonly breaks: readonly InvariantId[];
  /** CPU count the tests explore it with. */
  readonly cpus: number;
  apply(machine: SystemMachine, cw: CompiledWorkload): SystemMachine;
}

function fault(
  id: string, description: string, bug: string | null, workload: string, breaks: InvariantId[],
  change: Partial<Semantics>, guards: GuardName[], actions: ActionName[],
): ModelFault {
  return {
    id, description, bug, workload, breaks, cpus: workload === 'many-nonempty' && change.manyWaitIf !== undefined ? 2 : 3,
    apply(machine, cw) {
      const rules = new Rules(cw, { ...CORRECT_SEMANTICS, ...change });
      const g = makeGuards(rules);
      const a = makeActions(rules);
      const pg: Record<string, unknown> = {};
      const pa: Record<string, unknown> = {};
      for (const k of guards) pg[k] = g[k];
      for (const k of actions) pa[k] = a[k];
      return machine.provide({ guards: pg, actions: pa });
    },
  };
}

export const MODEL_FAULTS: readonly ModelFault[] = [
  fault('no-dying-flush', 'smpcfd_dying_cpu does not flush the queue', 'B3/B5', 'hotplug',
    ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL'], { dyingFlush: false }, ['flushedByDying?'], []),
  fault('sync-unlock-before-run', 'SYNC entries unlocked before their func runs', null, 'single-wait',
    ['INV-SYNC-AFTER-RUN', 'INV-UNLOCK-POINT'], { syncUnlock: 'before' }, ['runSyncNext?', 'runAsyncNext?', 'syncDone?', 'asyncDone?'], []),
  fault('async-unlock-after-run', 'ASYNC entries unlocked after their func returned', 'B4', 'async-ebusy',
    ['INV-UNLOCK-POINT'], { asyncUnlock: 'after' }, ['runSyncNext?', 'runAsyncNext?', 'syncDone?', 'asyncDone?'], []),
  fault('no-ebusy-check', 'single_async does not test the lock bit (reuse while locked)', 'B6', 'async-ebusy',
    ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-DOUBLE-RUN', 'INV-NO-LOST-CALL'], { asyncBusyCheck: false }, ['callBusy?', 'callLock?', 'callSelf?', 'callEnxio?'], []),
  fault('no-kick-on-empty', 'no IPI on the empty→non-empty edge of llist_add', null, 'single-wait',
    ['INV-KICK', 'INV-IPI-OR-POLL', 'INV-NO-DEADLOCK'], { kickOnEmpty: false }, [], ['kickSingle', 'noteIpi']),
  fault('snapshot-not-online', 'many-call snapshot not intersected with cpu_online_mask', null, 'hotplug-many',
    ['INV-DYING-EMPTY'], { snapshotOnline: false }, ['manySkip?'], ['manyBegin']),
  fault('queue-outside-stop-machine', 'stop_machine does not exclude callers between online check and queueing', null, 'hotplug',
    ['INV-DYING-EMPTY', 'INV-ENXIO'], { stopMachineExcludesCallers: false }, ['canStopMachine?', 'flushedByDying?'], []),
  fault('cfd-not-freed', 'smpcfd_dead_cpu does not free the cfd', null, 'hotplug',
    ['INV-NO-LEAK'], { cfdFreeAt: 'never' }, [], ['smpcfdDeadCpu', 'smpcfdDyingCpu']),
  fault('cfd-freed-at-dying', 'cfd freed at dying instead of dead', null, 'hotplug',
    ['INV-NO-LEAK'], { cfdFreeAt: 'dying' }, [], ['smpcfdDeadCpu', 'smpcfdDyingCpu']),
  fault('many-wait-if-ipi', 'many-call waits only if it sent an IPI', 'B9', 'many-nonempty',
    ['INV-WAIT-SET', 'INV-SYNC-AFTER-RUN'], { manyWaitIf: 'ipi-sent' }, ['manySendWait?', 'manySendReturn?'], []),
  fault('idle-no-recheck', 'idle stops polling without re-checking need_resched', null, 'idle-poll',
    ['INV-IPI-OR-POLL'], { idleRecheck: false }, ['idleRecheckFinds?', 'idleHalts?'], []),
  fault('flush-async-first', 'flush runs ASYNC entries before SYNC ones', null, 'many-nonempty',
    ['INV-ORDER'], { flushOrder: 'async-first' }, ['runSyncNext?', 'runAsyncNext?'], []),
  fault('no-online-check', 'generic_exec_single does not check that the target is online', null, 'hotplug',
    ['INV-ENXIO', 'INV-DYING-EMPTY'], { onlineCheck: false }, ['callEnxio?', 'callLock?'], []),
  fault('del-all-not-atomic', 'take-all reads the list without clearing it (no atomic exchange)', null, 'async-ebusy',
    ['INV-ONE-OWNER'], { delAllClears: false }, [], ['flushTake', 'idleFlush']),
  fault('enxio-keeps-lock', 'the -ENXIO path returns without unlocking the CSD', null, 'any-mixed',
    ['INV-LOCK-RELEASED'], { enxioUnlocks: false }, [], ['csdReturnEnxio']),
  fault('ttwu-stale-cpu', 'a TTWU entry is routed to a stale CPU', 'B7', 'any-mixed',
    ['INV-RUN-ON-TARGET'], { ttwuStaleCpu: true }, ['callSelf?', 'callEnxio?', 'callLock?', 'callBusy?'], ['csdLock', 'csdReturnEnxio']),
  fault('no-dying-flush-ipi', 'no dying flush: a late IPI then runs the func on the offline CPU', 'B3/B8', 'hotplug',
    ['INV-NOT-ON-OFFLINE'], { dyingFlush: false }, ['flushedByDying?'], []),
];

export class FaultError extends Error {}

export function faultById(id: string): ModelFault {
  const f = MODEL_FAULTS.find((x) => x.id === id);
  if (f === undefined) throw new FaultError(`unknown fault "${id}" (known: ${MODEL_FAULTS.map((x) => x.id).join(', ')})`);
  return f;
}
