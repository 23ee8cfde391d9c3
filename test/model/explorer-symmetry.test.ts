import { describe, expect, it } from 'vitest';
import { isWorkloadSymmetry, workloadSymmetries } from '../../model/explorer-symmetry.js';
import { compileWorkload, DEFAULT_WORKLOADS, STRESS_WORKLOAD, type Workload } from '../../model/workload.js';

const identity = (n: number): number[] => Array.from({ length: n }, (_, c) => c);

describe('CPU symmetry of the shipped workloads (why the explorer has no symmetry reduction)', () => {
  it('the sizing workload (ring of sync calls, cpu1 hotplugs) has only the identity at 2..5 CPUs', () => {
    for (const n of [2, 3, 4, 5]) expect(workloadSymmetries(compileWorkload(STRESS_WORKLOAD, n))).toEqual([identity(n)]);
  });

  it('every default workload has only the identity at 2 and 3 CPUs', () => {
    for (const w of DEFAULT_WORKLOADS) {
      for (const n of [2, 3]) {
        if (w.minCpus !== undefined && n < w.minCpus) continue;
        expect(workloadSymmetries(compileWorkload(w, n)), `${w.name} cpus=${n}`).toEqual([identity(n)]);
      }
    }
  });

  it('finds a symmetry where there is one, and refuses the renamings that break it', () => {
    const twin: Workload = {
      name: 'twin', description: 'cpu1 and cpu2 call cpu0 and then many-call all',
      scripts: [[], [{ kind: 'single', target: 0, wait: true }, { kind: 'many', mask: 'all' }], [{ kind: 'single', target: 0, wait: true }, { kind: 'many', mask: 'all' }]],
    };
    const cw = compileWorkload(twin, 3);
    expect(workloadSymmetries(cw)).toEqual([[0, 1, 2], [0, 2, 1]]);
    expect(isWorkloadSymmetry(cw, [1, 0, 2])).toBe(false);
    // a hotplug cycle on cpu1 alone breaks it
    const hot = compileWorkload({ ...twin, hotplug: [{ cpu: 1, cycles: 1 }] }, 3);
    expect(workloadSymmetries(hot)).toEqual([[0, 1, 2]]);
  });

  it('the many-call loop order is part of the rules: a swap reversing a many mask is refused', () => {
    const w: Workload = {
      name: 'order', description: 'cpu0 many-calls 1,2; cpu1 and cpu2 idle alike',
      scripts: [[{ kind: 'many', mask: 'all' }]],
    };
    const cw = compileWorkload(w, 3);
    expect(isWorkloadSymmetry(cw, [0, 2, 1])).toBe(false);
    expect(workloadSymmetries(cw)).toEqual([[0, 1, 2]]);
  });
});
