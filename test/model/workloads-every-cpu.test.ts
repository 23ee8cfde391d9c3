/** Issue 14 §3: a default workload run at N CPUs gives every one of the N CPUs a part (caller or target). */
import { describe, expect, it } from 'vitest';
import { compileWorkload, DEFAULT_WORKLOADS } from '../../model/workload.js';

describe('default workloads use every CPU they are run with', () => {
  for (const n of [2, 3, 4]) {
    it(`at ${n} CPUs`, () => {
      for (const w of DEFAULT_WORKLOADS) {
        const cw = compileWorkload(w, n);
        const used = new Set<number>();
        for (const r of cw.requests) {
          used.add(r.cpu);
          if (r.target >= 0) used.add(r.target);
          for (let c = 0; c < n; c++) if (r.many && (r.mask & (1 << c)) !== 0) used.add(c);
        }
        cw.hpCycles.forEach((k, c) => { if (k > 0) used.add(c); });
        expect([...used].filter((c) => c < n).sort(), w.name).toEqual(Array.from({ length: n }, (_, c) => c));
      }
    });
  }
});
