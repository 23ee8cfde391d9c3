import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { CSD_GUARDS, CSD_STATES, csdMachine } from '../../model/csd-chart.js';
import { HOTPLUG_GUARDS, HOTPLUG_STATES, hotplugMachine } from '../../model/hotplug-chart.js';
import { statechartStructure } from '../../model/graph.js';

function reached(m: AnyStateMachine, events: readonly string[], guards: readonly string[]): Set<string> {
  const evs = events.flatMap((type) => guards.map((choice) => ({ type, choice })));
  const paths = getShortestPaths(m, { events: evs });
  return new Set(paths.map((p) => String(p.state.value)));
}

describe('component charts', () => {
  it('csd: every state is reachable (getShortestPaths)', () => {
    const r = reached(csdMachine as unknown as AnyStateMachine, ['CALL', 'QUEUE', 'FLUSH_RUN', 'FLUSH_DONE', 'HP_DYING'], CSD_GUARDS);
    expect([...r].sort()).toEqual([...CSD_STATES].sort());
  });
  it('hotplug: every state is reachable (getShortestPaths)', () => {
    const r = reached(hotplugMachine as unknown as AnyStateMachine, ['HP_PREPARE', 'HP_PREPARE_ENOMEM', 'HP_ONLINE', 'HP_DYING', 'HP_DEAD', 'HP_OFFLINE'], HOTPLUG_GUARDS);
    expect([...r].sort()).toEqual([...HOTPLUG_STATES].sort());
  });
  it('csd: SYNC and ASYNC differ in the unlock point (distinct guarded transitions)', () => {
    const ids = statechartStructure(csdMachine as unknown as AnyStateMachine).transitions.map((t) => t.id);
    expect(ids).toContain('csd.queued --FLUSH_RUN [runSyncNext?]--> csd.running');
    expect(ids).toContain('csd.queued --FLUSH_RUN [runAsyncNext?]--> csd.running');
    expect(ids).toContain('csd.free --CALL [callBusy?]--> csd.busy');
  });
});
