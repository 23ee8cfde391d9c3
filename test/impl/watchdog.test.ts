import { describe, expect, it } from 'vitest';
import { DeterministicSystem } from '../../impl/runtime/deterministic.js';
import { ThreadsSystem } from '../../impl/runtime/threads.js';
import { WATCHDOG_STEPS } from '../../impl/watchdog.js';
import livelock from '../fixtures/variants/llist-add-livelock.js';

describe('watchdog: a livelock in protocol code ends the run with a report (CPU, function, steps)', () => {
  it('deterministic runtime: reported at the watchdog, long before the step bound', () => {
    const sys = new DeterministicSystem({ cpus: 2, variant: livelock, maxSteps: 20 * WATCHDOG_STEPS });
    sys.call(0, { kind: 'single', target: 1, wait: false });
    const r = sys.runToQuiescence();
    expect(r.status).toBe('error');
    expect(r.report).toMatch(/watchdog: cpu0 livelocked in llist_add: \d+ steps without progress/);
    expect(r.steps).toBeLessThan(3 * WATCHDOG_STEPS);
  });

  it('threads runtime: the livelocked worker ends the run (status error, the same report) instead of hanging', async () => {
    const sys = await ThreadsSystem.start({ cpus: 2, variant: livelock });
    try {
      expect(sys.form).toBe('plain');
      sys.post(0, { kind: 'single', target: 1, wait: false });
      const q = await sys.quiesce(20_000);
      expect(q.status).toBe('error');
      expect(q.message).toMatch(/cpu0: watchdog: cpu0 livelocked in llist_add: \d+ steps without progress/);
    } finally {
      await sys.stop();
    }
  });

  it('threads runtime, generator form: the same report (the function is named at the next access, as on the deterministic runtime)', async () => {
    const sys = await ThreadsSystem.start({ cpus: 2, variant: livelock, protocolForm: 'generators' });
    try {
      expect(sys.form).toBe('generators');
      sys.post(0, { kind: 'single', target: 1, wait: false });
      const q = await sys.quiesce(20_000);
      expect(q.status).toBe('error');
      expect(q.message).toMatch(/cpu0: watchdog: cpu0 livelocked in llist_add: \d+ steps without progress/);
    } finally {
      await sys.stop();
    }
  });

  it('a CPU polling idle for longer than the watchdog window is waiting for work, not livelocked (the bench polls ~forever)', () => {
    const sys = new DeterministicSystem({ cpus: 2, idle: 'poll', pollSpins: 4 * WATCHDOG_STEPS, maxSteps: 20 * WATCHDOG_STEPS });
    sys.call(0, { kind: 'single', target: 1, wait: true });
    const r = sys.runToQuiescence();
    expect(r.report ?? '').not.toMatch(/watchdog/);
    expect(r.status).not.toBe('error');
  });
});
