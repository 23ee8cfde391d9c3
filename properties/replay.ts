/** Replay a failing property run from its token (what `npx smpcheck replay <token>` runs). */
import { runInvariantProperty, type InvariantOutcome } from './invariant-property.js';
import { decodeReplayToken } from './replay-token.js';

export function replay(token: string): InvariantOutcome {
  const t = decodeReplayToken(token);
  return runInvariantProperty({
    id: t.inv, cpus: t.cpus, faults: t.faults, seed: t.seed, runs: t.runs, path: t.path, replayPath: t.replayPath,
    ...(t.maxCommands === undefined ? {} : { maxCommands: t.maxCommands }),
    ...(t.idle === undefined ? {} : { idle: t.idle }),
  });
}
