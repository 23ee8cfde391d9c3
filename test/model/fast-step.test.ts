import { describe, expect, it } from 'vitest';
import { explore } from '../../model/explorer.js';
import { FastStepper, type FastSnapshot } from '../../model/fast-step.js';
import { applyModelRules } from '../../model/variant.js';
import { BUILTIN_VARIANTS } from '../../variants/index.js';
import { Stepper, allEvents, stateKey, type SystemSnapshot } from '../../model/step.js';
import { createSystemMachine } from '../../model/system.js';
import { DEFAULT_WORKLOADS, compileWorkload, type Workload } from '../../model/workload.js';

/** BFS with both steppers side by side: same enabled events, same successor value and context. */
function agree(w: Workload, n: number, fault?: string, cap = 4000): number {
  const cw = compileWorkload(w, n);
  const base = createSystemMachine({ workload: cw });
  const f = BUILTIN_VARIANTS.find((x) => x.id === fault)?.model ?? undefined;
  const m = f === undefined ? base : applyModelRules(base, cw, f);
  const xs = new Stepper(m, cw);
  const fs = new FastStepper(m, cw);
  const x0 = xs.initial();
  const queue: [SystemSnapshot, FastSnapshot][] = [[x0, fs.initial(x0)]];
  const seen = new Set([stateKey(x0)]);
  const every = allEvents(n);
  for (let i = 0; i < queue.length && i < cap; i++) {
    const [xs0, fs0] = queue[i] as [SystemSnapshot, FastSnapshot];
    for (const e of every) {
      const x1 = xs.step(xs0, e);
      const f1 = fs.step(fs0, e);
      expect(f1 === fs0, `${w.name}: ${e.type} cpu${e.cpu} enabled in one stepper only`).toBe(x1 === xs0);
      if (x1 === xs0) continue;
      expect(f1.value).toEqual(x1.value);
      expect(f1.context).toEqual(x1.context);
      const k = stateKey(x1);
      if (!seen.has(k)) {
        seen.add(k);
        queue.push([x1, f1]);
      }
    }
  }
  return queue.length;
}

describe('fast stepper derived from the machine', () => {
  it('agrees with machine.transition on every explored state of every default workload (2 CPUs)', () => {
    for (const w of DEFAULT_WORKLOADS) expect(agree(w, 2)).toBeGreaterThan(10);
  });
  it('agrees with machine.transition for every provided fault variant (3 CPUs, its workload)', () => {
    for (const f of BUILTIN_VARIANTS.filter((x) => x.model !== null)) {
      const w = DEFAULT_WORKLOADS.find((x) => x.name === f.model?.workload);
      if (w === undefined) throw new Error(`fault ${f.id}: no workload ${f.model?.workload ?? '-'}`);
      expect(agree(w, 3, f.id, 250)).toBeGreaterThan(5);
    }
  });
  it('explorer gives the same figures with either stepper', () => {
    for (const name of ['hotplug', 'any-mixed']) {
      const a = explore({ cpus: 3, workload: name, stepper: 'fast' });
      const b = explore({ cpus: 3, workload: name, stepper: 'xstate' });
      expect([a.states, a.transitions, a.depth, a.terminals]).toEqual([b.states, b.transitions, b.depth, b.terminals]);
      expect(a.coverage).toEqual(b.coverage);
    }
  });
});
