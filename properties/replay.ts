/** Replay a failing property run (an invariant property or INV-REFINEMENT) from its token (what `npx smpcheck replay <token>` runs). */
import { importOverrides, type ImplVariant } from '../impl/variant.js';
import { runInvariantProperty, type InvariantOutcome } from './invariant-property.js';
import { decodeReplayToken, ReplayTokenError, type ReplayToken } from './replay-token.js';
import { REFINEMENT_ID, REFINEMENT_SENTENCE, runRefinement } from './refinement/refinement-run.js';

/** Resolves a built-in variant id (or a former fault id); null if it is not one. */
export type VariantResolver = (id: string) => ImplVariant | null;

/**
 * The token's variant: a built-in one by id (its module URL may name a bundle, not the file), else
 * imported again from the token's module URL (a user's variant file).
 */
export async function tokenVariant(t: ReplayToken, resolve?: VariantResolver): Promise<ImplVariant | undefined> {
  const id = t.variant ?? t.faults[0];
  if (id === undefined) return undefined;
  const builtin = resolve?.(id) ?? null;
  if (builtin !== null) return builtin;
  if (t.variantUrl !== undefined) return { id, url: t.variantUrl, impl: await importOverrides(t.variantUrl) };
  throw new ReplayTokenError(`replay token: variant '${id}' is not built in and the token names no module for it`);
}

export async function replay(token: string, resolve?: VariantResolver): Promise<InvariantOutcome> {
  const t = decodeReplayToken(token);
  const variant = await tokenVariant(t, resolve);
  if (t.inv === REFINEMENT_ID) {
    const r = runRefinement({ seed: t.seed, runs: t.runs, variant, path: t.path, ...(t.memory === undefined ? {} : { memory: t.memory }) });
    return {
      id: REFINEMENT_ID, sentence: REFINEMENT_SENTENCE, failed: r.failed, runs: r.runs, stats: { runs: r.runs, commands: 0, steps: 0 },
      elapsedMs: r.elapsedMs, counterexample: r.counterexample, error: null,
    };
  }
  return runInvariantProperty({
    id: t.inv, cpus: t.cpus, variant, seed: t.seed, runs: t.runs, path: t.path, replayPath: t.replayPath,
    ...(t.maxCommands === undefined ? {} : { maxCommands: t.maxCommands }),
    ...(t.idle === undefined ? {} : { idle: t.idle }),
    ...(t.memory === undefined ? {} : { memory: t.memory }),
  });
}
