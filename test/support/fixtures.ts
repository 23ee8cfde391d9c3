/**
 * Small real statecharts and results for report tests: a CSD-like lifecycle with a compound
 * `locked` state, and a hotplug chart. The lead swaps in the real model charts once they land.
 */
import { setup } from 'xstate';
import { statechartStructure, type StatechartStructure } from '../../model/graph.js';
import type { Counterexample, CoverageReport, InvariantResult } from '../../model/types.js';
import { recountComponent } from '../../report/merge.js';
import type { ReportInput } from '../../report/report-input.js';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export const csdToy = setup({
  types: { events: {} as { type: 'CSD_LOCK' } | { type: 'QUEUE' } | { type: 'RUN' } | { type: 'CSD_UNLOCK' } | { type: 'EBUSY' } },
  guards: { 'queueWasEmpty?': () => true },
}).createMachine({
  id: 'csd',
  initial: 'free',
  states: {
    free: { description: 'not owned by any request', on: { CSD_LOCK: 'locked', EBUSY: 'free' } },
    locked: {
      description: 'owned; func/info written by the owner only',
      initial: 'filled',
      states: {
        filled: { on: { QUEUE: { target: 'queued', guard: 'queueWasEmpty?' } } },
        queued: { on: { RUN: 'running' } },
        running: {},
      },
      on: { CSD_UNLOCK: 'free' },
    },
  },
});

export const hotplugToy = setup({
  types: { events: {} as { type: 'PREPARE' } | { type: 'ONLINE' } | { type: 'CPU_DYING' } | { type: 'DEAD' } },
}).createMachine({
  id: 'hotplug',
  initial: 'offline',
  states: {
    offline: { on: { PREPARE: 'prepared' } },
    prepared: { on: { ONLINE: 'online' } },
    online: { on: { CPU_DYING: 'dying' } },
    dying: { on: { DEAD: 'dead' } },
    dead: { type: 'final' },
  },
});

/** Visits: every item gets `f(index)` visits, so some are 0 (uncovered) when f says so. */
export function coverageFor(structure: StatechartStructure, f: (i: number) => number) {
  return recountComponent(
    structure.machineId,
    structure.states.map((s, i) => ({ id: s.id, visits: f(i) })),
    structure.transitions.map((t, i) => ({ id: t.id, visits: f(i + 100) })),
  );
}

export const passing: InvariantResult[] = [
  { id: 'INV-NO-LOST-CALL', sentence: 'every request that returned 0 has its func run exactly once, eventually', status: 'pass', checks: 1200 },
  { id: 'INV-NO-DOUBLE-RUN', sentence: 'no request runs its func twice', status: 'pass', checks: 1200 },
  { id: 'INV-ENXIO', sentence: 'a request to an offline or invalid CPU returns -ENXIO and never runs', status: 'not-checked', checks: 0 },
];

export const lostCall: Counterexample = {
  invariant: 'INV-NO-LOST-CALL',
  sentence: 'every request that returned 0 has its func run exactly once, eventually',
  message: `request r2 (func ${HOSTILE}) still queued on cpu1 after its dying flush`,
  steps: ['cpu0 call_single(cpu1, wait)', 'cpu1 CPU_DYING', `cpu1 flush ${HOSTILE}`],
  timeline: [
    { step: 1, cpu: 0, lane: 'call', text: 'smp_call_function_single(cpu1, wait)' },
    { step: 1, cpu: 0, lane: 'queue', text: 'csd_queue_cpu cpu1 (queue was empty)' },
    { step: 2, cpu: 0, lane: 'ipi', text: 'ipi_send_cpu(cpu1)' },
    { step: 3, cpu: 1, lane: 'hotplug', text: 'CPU_DYING' },
    { step: 4, cpu: 1, lane: 'entry', text: `csd_function_entry ${HOSTILE}` },
  ],
  replay: `npx smpcheck replay 'smp1:2cpu-1req-1hp:91:AQID'`,
};

export function reportInput(opts: { fail?: boolean; title?: string; seed?: number } = {}): ReportInput {
  const csd = statechartStructure(csdToy);
  const hp = statechartStructure(hotplugToy);
  const components = [coverageFor(csd, (i) => (i % 5 === 3 ? 0 : i * 7 + 1)), coverageFor(hp, (i) => (i === 5 || i === 104 ? 0 : 3))];
  const coverage: CoverageReport = { schema: 'smpcheck.coverage/1', sources: ['explorer', 'properties:deterministic'], components };
  const invariants = opts.fail === true ? passing.map((i) => (i.id === 'INV-NO-LOST-CALL' ? { ...i, status: 'fail' as const } : i)) : passing;
  return {
    title: opts.title ?? 'smpcheck report',
    generatedAt: '2026-11-25T12:00:00.000Z',
    charts: [
      { name: 'CSD lifecycle', structure: csd, coverage: components[0] ?? coverageFor(csd, () => 0) },
      { name: `hotplug ${HOSTILE}`, structure: hp, coverage: components[1] ?? coverageFor(hp, () => 0) },
    ],
    coverage,
    invariants,
    counterexamples: opts.fail === true ? [lostCall] : [],
    sections: [],
    runs: { command: 'check', seed: opts.seed ?? 42, runs: 100, shards: [], durationMs: 1234, interrupted: false },
  };
}
