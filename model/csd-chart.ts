/**
 * The CSD lifecycle (smp-protocol.md §2–§3): free → locked → queued → running → released, with the
 * self-call path, -ENXIO, -EBUSY and the many-call skip. The SYNC/ASYNC difference is in WHEN the lock
 * is released: SYNC after its function returned (the waiter may free its stack CSD at once), ASYNC
 * (and IRQ_WORK, TTWU) before the function runs (the function may resubmit its own CSD).
 *
 * `csdStates(slot)` is the one definition: the component machine `csdMachine` and every `reqN`
 * region of the composed system (system.ts) are built from it. Guards and actions are referenced
 * by name with `{ slot }` params; the system supplies real implementations, the component machine
 * "oracle" guards that let the event choose (so @xstate/graph can reach every state).
 */
import { setup } from 'xstate';

export const CSD_STATES = ['free', 'locked', 'queued', 'running', 'released', 'enxio', 'busy', 'skipped'] as const;
export type CsdState = (typeof CSD_STATES)[number];

export interface SlotParams {
  readonly slot: number;
}

type Guarded = { readonly guard: { readonly type: string; readonly params: SlotParams } };
interface T extends Guarded {
  readonly target?: string;
  readonly actions?: readonly { readonly type: string; readonly params: SlotParams }[];
}

/** Guard names of the CSD chart, in the order xstate tries them (first enabled wins). */
export const CSD_GUARDS = [
  'callSelf?', 'callEnxio?', 'callBusy?', 'callLock?', 'manySkip?', 'manyQueueTurn?', 'singleQueueTurn?',
  'runSyncNext?', 'runAsyncNext?', 'flushedByDying?', 'syncDone?', 'asyncDone?',
] as const;
export type CsdGuard = (typeof CSD_GUARDS)[number];

export const CSD_ACTIONS = [
  'csdRunLocal', 'csdReturnEnxio', 'csdReturnEbusy', 'csdLock', 'manySkip', 'llistAdd', 'kickSingle',
  'leaveWindow', 'noteIpi', 'csdUnlock', 'flushRunFunc', 'dyingRunFunc', 'funcReturn',
] as const;
export type CsdAction = (typeof CSD_ACTIONS)[number];

export function csdStates(slot: number) {
  const params = { slot };
  const t = (guard: CsdGuard, target: CsdState | undefined, ...actions: CsdAction[]): T => ({
    guard: { type: guard, params },
    ...(target === undefined ? {} : { target }),
    actions: actions.map((type) => ({ type, params })),
  });
  return {
    initial: 'free' as const,
    states: {
      free: {
        description: 'not in use; a many-call CSD waits here for its turn in the queueing loop',
        on: {
          CALL: [
            // self-call: lock, unlock at once (same CPU), then run func locally with IRQs off
            t('callSelf?', 'released', 'csdRunLocal'),
            // target invalid or offline at the online check: unlock, -ENXIO, func never runs
            t('callEnxio?', 'enxio', 'csdReturnEnxio'),
            // smp_call_function_single_async on a CSD whose lock bit is still set
            t('callBusy?', 'busy', 'csdReturnEbusy'),
            // csd_lock (waits for a previous use), then the online check passed: inside the window
            t('callLock?', 'locked', 'csdLock'),
            // many-call: not in mask ∩ online − self, or cond false: never locked
            t('manySkip?', 'skipped', 'manySkip'),
          ],
          // many-call loop body: csd_lock the per-target cfd CSD, fill, llist_add; note if IPI needed
          QUEUE: [t('manyQueueTurn?', 'queued', 'csdLock', 'llistAdd', 'noteIpi')],
        },
      },
      locked: {
        description: 'lock bit set, owner fills func/info; the caller is inside its preemption-off window',
        on: { QUEUE: [t('singleQueueTurn?', 'queued', 'llistAdd', 'kickSingle', 'leaveWindow')] },
      },
      queued: {
        description: 'on the target call_single_queue (or in the batch its flush took)',
        on: {
          FLUSH_RUN: [
            // first pass: SYNC runs func, unlock comes after it returns
            t('runSyncNext?', 'running', 'flushRunFunc'),
            // second pass: ASYNC / IRQ_WORK unlock first, then run; TTWU last
            t('runAsyncNext?', 'running', 'csdUnlock', 'flushRunFunc'),
          ],
          // smpcfd_dying_cpu: flushed inside stop_machine (run and unlock in one step)
          HP_DYING: [t('flushedByDying?', 'released', 'dyingRunFunc')],
        },
      },
      running: {
        description: 'func executing on the target (SYNC: still locked; ASYNC: already unlocked)',
        on: {
          FLUSH_DONE: [t('syncDone?', 'released', 'funcReturn', 'csdUnlock'), t('asyncDone?', 'released', 'funcReturn')],
        },
      },
      released: { description: 'func returned and the lock bit is clear: the CSD may be reused or freed' },
      enxio: { description: 'returned -ENXIO: target offline or out of range; func never runs' },
      busy: { description: 'returned -EBUSY: the async CSD was still locked; nothing queued' },
      skipped: { description: 'many-call target skipped (offline at snapshot, or cond false)' },
    },
  };
}

/** Component events: the event type plus, optionally, which guarded branch to take (oracle). */
export interface ComponentEvent {
  readonly type: string;
  readonly choice?: string;
}

/** Oracle guard for component charts: the event picks the branch (`choice` = guard name). */
export function oracleGuards<G extends string>(names: readonly G[]): Record<G, (a: { event: ComponentEvent }) => boolean> {
  const out = {} as Record<G, (a: { event: ComponentEvent }) => boolean>;
  for (const n of names) out[n] = ({ event }) => event.choice === undefined || event.choice === n;
  return out;
}

/** Component charts have no data: their actions do nothing (the system machine implements them). */
export function noopActions<A extends string>(names: readonly A[]): Record<A, () => void> {
  const out = {} as Record<A, () => void>;
  for (const n of names) out[n] = () => undefined;
  return out;
}

/** The CSD component statechart (one CSD use), for drawing, coverage ids and path tests. */
export const csdMachine = setup({
  types: { events: {} as ComponentEvent },
  guards: oracleGuards(CSD_GUARDS),
  actions: noopActions(CSD_ACTIONS),
}).createMachine({ id: 'csd', ...csdStates(0) } as never);
