import { describe, expect, it } from 'vitest';
import type { SmpRequest } from '../../impl/requests.js';
import { runDeterministic } from '../../impl/runtime/deterministic.js';
import { randomScheduler } from '../../impl/runtime/schedulers.js';
import type { TraceEvent } from '../../impl/trace-export.js';

// cpu0 and cpu1 call each other: an IPI for cpu0 can arrive while cpu0 is inside its own call
const CALLS: [number, SmpRequest][] = [[0, { kind: 'single', target: 1, wait: true }], [1, { kind: 'single', target: 0, wait: false }]];

/** Index of cpu0's first event of `name` (sender side), or -1. */
function at(t: readonly TraceEvent[], name: string): number {
  return t.findIndex((e) => e.cpu === 0 && e.event === name && !e.hardirq);
}

describe('the deterministic runtime takes an interrupt wherever the CPU has interrupts on, mid-call included', () => {
  it('between a sender\'s llist_add and its IPI send, and inside its csd_lock_wait; never with interrupts off', () => {
    let betweenAddAndSend = 0;
    let insideWait = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { sys, result } = runDeterministic({ cpus: 2, scheduler: randomScheduler(seed), trace: true }, CALLS);
      expect(result.status).toBe('quiescent');
      expect(result.accounting.ok).toBe(true);
      const t = sys.trace();
      const queued = at(t, 'csd_queue_cpu');
      const sent = at(t, 'ipi_send_cpu');
      // cpu0's interrupt handler: its entry of cpu1's function, in hardirq context
      const irq = t.findIndex((e) => e.cpu === 0 && e.event === 'csd_function_entry' && e.hardirq);
      if (irq < 0 || queued < 0) continue;
      if (sent > queued && irq > queued && irq < sent) betweenAddAndSend++;
      // after the IPI send, before cpu0's waiting call saw cpu1 run its function (cpu1's exit)
      const remoteExit = t.findIndex((e) => e.cpu === 1 && e.event === 'csd_function_exit');
      if (sent >= 0 && irq > sent && remoteExit > irq) insideWait++;
      // a handler never starts inside another flush of the same CPU (interrupts are off there)
      let depth = 0;
      for (const e of t) {
        if (e.cpu !== 0 || !e.hardirq) continue;
        if (e.event === 'csd_function_entry') depth++;
        if (e.event === 'csd_function_exit') depth--;
        expect(depth).toBeLessThanOrEqual(1);
      }
    }
    expect(betweenAddAndSend).toBeGreaterThan(0);
    expect(insideWait).toBeGreaterThan(0);
  });
});
