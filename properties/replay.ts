/** Replay a failing property run from its token (what `npx smpcheck replay <token>` runs). */
import { importOverrides, type ImplVariant } from '../impl/variant.js';
import { runInvariantProperty, type InvariantOutcome } from './invariant-property.js';
import { decodeReplayToken, ReplayTokenError, type ReplayToken } from './replay-token.js';

/** Resolves a variant id without a module URL (built-in faults, former fault ids). */
export type VariantResolver = (id: string) => ImplVariant;

/** The token's variant: imported from its URL, or resolved by id. */
export async function tokenVariant(t: ReplayToken, resolve?: VariantResolver): Promise<ImplVariant | undefined> {
  if (t.variantUrl !== undefined) return { id: t.variant ?? 'variant', url: t.variantUrl, impl: await importOverrides(t.variantUrl) };
  const id = t.variant ?? t.faults[0];
  if (id === undefined) return undefined;
  if (resolve === undefined) throw new ReplayTokenError(`replay token: variant '${id}' has no module URL and no resolver was given`);
  return resolve(id);
}

export async function replay(token: string, resolve?: VariantResolver): Promise<InvariantOutcome> {
  const t = decodeReplayToken(token);
  const variant = await tokenVariant(t, resolve);
  return runInvariantProperty({
    id: t.inv, cpus: t.cpus, variant, seed: t.seed, runs: t.runs, path: t.path, replayPath: t.replayPath,
    ...(t.maxCommands === undefined ? {} : { maxCommands: t.maxCommands }),
    ...(t.idle === undefined ? {} : { idle: t.idle }),
  });
}
