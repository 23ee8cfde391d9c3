/**
 * One CPU's hotplug lifecycle as it touches smp.c (smp-protocol.md §5):
 * offline → prepared → online → dying → dead → offline.
 * - prepare (`smpcfd_prepare_cpu`, run by another CPU) allocates the cfd, or fails with -ENOMEM and
 *   frees what it allocated (the CPU stays offline);
 * - dying happens inside stop_machine: only enabled when no CPU is inside a sender window (nor in a
 *   flush), then the CPU is marked offline and `smpcfd_dying_cpu` flushes its queue;
 * - dead (`smpcfd_dead_cpu`, run by another CPU) frees the cfd; then the CPU is plain offline.
 * `hotplugStates(cpu)` is the one definition for `hotplugMachine` and the `cpuN` regions.
 */
import { setup } from 'xstate';
import { noopActions, oracleGuards, type ComponentEvent } from './csd-chart.js';

export const HOTPLUG_STATES = ['offline', 'prepared', 'online', 'dying', 'dead'] as const;
export type HotplugState = (typeof HOTPLUG_STATES)[number];

export const HOTPLUG_GUARDS = [
  'allocOk?', 'allocFails?', 'bootDone?', 'canStopMachine?', 'cpuStopped?', 'teardownDone?',
] as const;
export type HotplugGuard = (typeof HOTPLUG_GUARDS)[number];

export const HOTPLUG_ACTIONS = [
  'smpcfdPrepareCpu', 'smpcfdPrepareFail', 'markOnline', 'markOffline', 'smpcfdDyingCpu', 'smpcfdDeadCpu', 'finishOffline',
] as const;
export type HotplugAction = (typeof HOTPLUG_ACTIONS)[number];

export interface CpuParams {
  readonly cpu: number;
}

export function hotplugStates(cpu: number, initial: HotplugState = 'online') {
  const params = { cpu };
  const t = (guard: HotplugGuard, target: HotplugState | undefined, ...actions: HotplugAction[]) => ({
    guard: { type: guard, params },
    ...(target === undefined ? {} : { target }),
    actions: actions.map((type) => ({ type, params })),
  });
  return {
    initial,
    states: {
      offline: {
        description: 'not running; no cfd; nobody may queue to it',
        on: {
          HP_PREPARE: [t('allocOk?', 'prepared', 'smpcfdPrepareCpu')],
          // -ENOMEM: free what was allocated, stay offline (a self-loop: the CPU does not come up)
          HP_PREPARE_ENOMEM: [t('allocFails?', 'offline', 'smpcfdPrepareFail')],
        },
      },
      prepared: {
        description: 'cfd allocated (smpcfd:prepare done), not yet online',
        on: { HP_ONLINE: [t('bootDone?', 'online', 'markOnline')] },
      },
      online: {
        description: 'in cpu_online_mask: may be called and may call',
        on: { HP_DYING: [t('canStopMachine?', 'dying', 'markOffline', 'smpcfdDyingCpu')] },
      },
      dying: {
        description: 'marked offline inside stop_machine, queue flushed by smpcfd_dying_cpu; still executing until dead',
        on: { HP_DEAD: [t('cpuStopped?', 'dead', 'smpcfdDeadCpu')] },
      },
      dead: {
        description: 'stopped; smpcfd_dead_cpu freed its cfd',
        on: { HP_OFFLINE: [t('teardownDone?', 'offline', 'finishOffline')] },
      },
    },
  };
}

/** The hotplug component statechart (one CPU), starting offline as on boot of a secondary CPU. */
export const hotplugMachine = setup({
  types: { events: {} as ComponentEvent },
  guards: oracleGuards(HOTPLUG_GUARDS),
  actions: noopActions(HOTPLUG_ACTIONS),
}).createMachine({ id: 'hotplug', ...hotplugStates(0, 'offline') } as never);
