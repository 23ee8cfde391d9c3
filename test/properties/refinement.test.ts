import fc from 'fast-check';
import { fault } from '../support/variants.js';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../impl/trace-export.js';
import { CoverageCounter } from '../../model/coverage.js';
import { refinementProperty, checkRefinement } from '../../properties/refinement/refinement-property.js';
import { ModelOracle } from '../../properties/refinement/model-oracle.js';
import { replayTrace } from '../../properties/refinement/trace-replay.js';
import type { SmallWorkload } from '../../properties/refinement/small-workload.js';

const SEED = 20261125;
const RUNS = 200;

function ev(cpu: number, event: string, fields: Record<string, string>): TraceEvent {
  return { seq: 0, ts: 0, cpu, event, irqsOff: false, hardirq: false, fields };
}

describe(`refinement: implementation vs xstate model (seed ${SEED}, ${RUNS} runs)`, () => {
  it('(1) final abstract view is a terminal view of the model and (2) every trace replays through the model; coverage of the component charts', () => {
    const cov = new CoverageCounter(['properties:deterministic']);
    const stats = { runs: 0, labels: 0, steps: 0 };
    fc.assert(refinementProperty({ coverage: cov }, stats), { seed: SEED, numRuns: RUNS });
    expect(stats.runs).toBe(RUNS);
    expect(stats.labels).toBeGreaterThan(RUNS); // observable trace events were really matched
    const rep = cov.report();
    const csd = rep.components.find((c) => c.machine === 'csd');
    const hp = rep.components.find((c) => c.machine === 'hotplug');
    expect(csd?.transitions.covered).toBe(csd?.transitions.total);
    expect(csd?.states.covered).toBe(csd?.states.total);
    expect(hp?.transitions.covered).toBe(hp?.transitions.total);
    expect(hp?.states.covered).toBe(hp?.states.total);
  });

  it('the trace checker rejects a func entry that no queueing preceded (independent of the trace source)', () => {
    const w: SmallWorkload = { cpus: 2, scripts: [[{ kind: 'single', target: 1, wait: true }], []], hotplug: -1, enomem: false };
    const o = new ModelOracle(w);
    const bad = replayTrace(o, [ev(1, 'csd_function_entry', { func: 'fn_ping', csd: '00000000000000a0' })]);
    expect(bad.ok).toBe(false);
    expect(bad.failure).toMatch(/csd_function_entry .* is not allowed by the model/);
    const good = replayTrace(o, [
      ev(0, 'csd_queue_cpu', { cpu: '1', csd: '00000000000000a0' }),
      ev(1, 'csd_function_entry', { func: 'fn_ping', csd: '00000000000000a0' }),
    ]);
    expect(good.ok).toBe(true);
    const wrongTarget = replayTrace(o, [ev(0, 'csd_queue_cpu', { cpu: '0', csd: '00000000000000a0' })]);
    expect(wrongTarget.ok).toBe(false);
  });

  it('an IPI taken between a task\'s csd_queue_cpu and its llist_add does not close the task\'s obligation (regression: check --seed 3 --runs 1500)', () => {
    const w: SmallWorkload = {
      cpus: 3, hotplug: -1, enomem: false,
      scripts: [[{ kind: 'many', mask: [1, 2], wait: false }], [{ kind: 'many', mask: [0, 1], wait: false }], [{ kind: 'call_function', wait: false }]],
    };
    expect(() => { checkRefinement(w, 50575, false, {}, new Map()); }).not.toThrow();
  });

  it('INV-NO-UAF: mainline smpcfd_dead_cpu (free at once) lets a late flush touch the freed cfd CSD; the reference (wait) never does', () => {
    const w: SmallWorkload = { cpus: 3, scripts: [[], [{ kind: 'on_each_cpu_cond_mask', mask: [0, 1], wait: false }], []], hotplug: 1, enomem: false };
    const msgs: string[] = [];
    for (let seed = 0; seed < 40; seed++) {
      checkRefinement(w, seed, true, {}, new Map()); // the correct code: no alarm on any schedule
      try { checkRefinement(w, seed, true, { variant: fault('dead-cpu-frees-in-flight') }, new Map()); } catch (e) { msgs.push((e as Error).message); }
    }
    expect(msgs.some((m) => m.startsWith('INV-NO-UAF violated on workload'))).toBe(true);
  });

  it('a broken implementation (no IPI on the empty→non-empty edge) fails refinement (1)', () => {
    const w: SmallWorkload = { cpus: 2, scripts: [[{ kind: 'single', target: 1, wait: false }], []], hotplug: -1, enomem: false };
    expect(() => { checkRefinement(w, 1, false, { variant: fault('no-ipi-on-empty-edge') }, new Map()); }).toThrow(/^refinement \(1\): final view \[r0:0@\{\}x0/);
    expect(() => { checkRefinement(w, 1, false, {}, new Map()); }).not.toThrow();
  });
  it('a traced csd_queue_cpu is matched to its queueing CPU in the model before that CPU moves on (regression: seed 45109 of the shipped mismatch)', () => {
    const w: SmallWorkload = {
      cpus: 3,
      scripts: [[], [{ kind: 'many', mask: [0], wait: false }], [{ kind: 'on_each_cpu_cond_mask', mask: [0, 1, 2], wait: false }]],
      hotplug: -1,
      enomem: false,
    };
    expect(() => { checkRefinement(w, 45109, false, {}, new Map()); }).not.toThrow();
  });
});
