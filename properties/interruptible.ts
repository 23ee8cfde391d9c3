/**
 * Ctrl-C for fast-check campaigns. A synchronous `fc.check` never lets the event loop run, so a
 * SIGINT handler would wait until the whole campaign (minutes) is done. `interruptible` wraps a
 * property as an asynchronous one that yields to the event loop every `sliceMs` and, once `signal`
 * is aborted, answers fast-check's next run with `PreconditionFailure(true)`: fast-check's own
 * "interrupt execution" (what `interruptAfterTimeLimit` uses), which ends the campaign — or the
 * shrinking of a failure already found, keeping the smallest counterexample so far.
 */
import fc from 'fast-check';

export function interruptible<Ts>(p: fc.IRawProperty<Ts>, signal: AbortSignal, sliceMs = 25): fc.IRawProperty<Ts, true> {
  let last = performance.now();
  return {
    isAsync: () => true,
    generate: (mrng, runId) => p.generate(mrng, runId),
    shrink: (v) => p.shrink(v),
    runBeforeEach: async () => {
      await p.runBeforeEach();
    },
    runAfterEach: async () => {
      await p.runAfterEach();
    },
    async run(v) {
      if (performance.now() - last >= sliceMs) {
        await new Promise((r) => setImmediate(r));
        last = performance.now();
      }
      if (signal.aborted) return new fc.PreconditionFailure(true);
      return await p.run(v);
    },
  };
}

/** A run interrupted before any counterexample is not a failure (fast-check calls it one when no run succeeded). */
export const failedForReal = (res: fc.RunDetails<unknown>): boolean => res.failed && res.counterexample !== null;
