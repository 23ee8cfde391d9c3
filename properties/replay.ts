/** Replay a failing property run (an invariant property or INV-REFINEMENT) from its token (what `npx smpcheck replay <token>` runs). */
import { runInvariantProperty, type InvariantOutcome } from './invariant-property.js';
import { decodeReplayToken } from './replay-token.js';
import { REFINEMENT_ID, REFINEMENT_SENTENCE, runRefinement } from './refinement/refinement-run.js';

export function replay(token: string): InvariantOutcome {
  const t = decodeReplayToken(token);
  if (t.inv === REFINEMENT_ID) {
    const r = runRefinement({ seed: t.seed, runs: t.runs, faults: t.faults, path: t.path });
    return {
      id: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, failed: r.failed, runs: r.runs, stats: { runs: r.runs, commands: 0, steps: 0 },
      elapsedMs: r.elapsedMs, counterexample: r.counterexample, error: null,
    };
  }
  return runInvariantProperty({
    id: t.inv, cpus: t.cpus, faults: t.faults, seed: t.seed, runs: t.runs, path: t.path, replayPath: t.replayPath,
    ...(t.maxCommands === undefined ? {} : { maxCommands: t.maxCommands }),
    ...(t.idle === undefined ? {} : { idle: t.idle }),
  });
}
