/**
 * Replay tokens: one shell word that fixes a failing property run exactly (invariant, CPU count,
 * variant, fast-check seed and shrink path). `npx smpcheck replay <token>` calls `replay(token)`.
 * Format: `smpp1.` + base64url(JSON). The variant is its id plus the URL of its module (so a
 * user's variant file is imported again); tokens from before variants name faults by their former
 * ids in `faults` (at most one), which the CLI resolves to the built-in variant.
 */
import { VARIANT_ID, type ImplVariant } from '../impl/variant.js';
import type { InvariantId } from '../model/types.js';

export interface ReplayToken {
  readonly v: 1;
  readonly inv: InvariantId;
  readonly cpus: number;
  /** former fault ids (tokens from before variants); new tokens leave it empty */
  readonly faults: readonly string[];
  /** the variant's id, and where its module is */
  readonly variant?: string;
  readonly variantUrl?: string;
  readonly seed: number;
  readonly path: string;
  /** fc.commands replayPath: which generated commands ran (fast-check needs it to replay commands) */
  readonly replayPath: string;
  readonly runs: number;
  readonly maxCommands?: number;
  readonly idle?: 'poll' | 'halt';
  /** memory model (absent: sc) */
  readonly memory?: 'tso' | 'lkmm';
}

export class ReplayTokenError extends Error {
  override readonly name = 'ReplayTokenError';
}

const PREFIX = 'smpp1.';

/** The token fields for a variant (none for smp.c itself). */
export function variantOfToken(v: ImplVariant | undefined): { variant?: string; variantUrl?: string } {
  if (v === undefined) return {};
  return v.url === null ? { variant: v.id } : { variant: v.id, variantUrl: v.url };
}

export function encodeReplayToken(t: ReplayToken): string {
  return PREFIX + Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodeReplayToken(s: string): ReplayToken {
  const bad = (why: string): never => {
    throw new ReplayTokenError(`replay token '${s.slice(0, 24)}…': ${why}`);
  };
  if (!s.startsWith(PREFIX)) bad(`does not start with ${PREFIX}`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(s.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return bad('is not base64url JSON');
  }
  if (typeof raw !== 'object' || raw === null) return bad('is not an object');
  const o = raw as Record<string, unknown>;
  if (o.v !== 1) bad('unknown version');
  if (typeof o.inv !== 'string' || !o.inv.startsWith('INV-')) bad('has no invariant id');
  if (typeof o.cpus !== 'number' || !Number.isInteger(o.cpus) || o.cpus < 2 || o.cpus > 8) bad('cpus must be an integer in 2..8');
  if (!Array.isArray(o.faults) || !o.faults.every((f) => typeof f === 'string' && VARIANT_ID.test(f)) || o.faults.length > 1) bad('faults must be a list of at most one fault id');
  if (o.variant !== undefined && (typeof o.variant !== 'string' || !VARIANT_ID.test(o.variant))) bad('variant must be a variant id');
  if (o.variantUrl !== undefined && (typeof o.variantUrl !== 'string' || !o.variantUrl.startsWith('file:'))) bad('variantUrl must be a file: URL');
  if (typeof o.seed !== 'number' || typeof o.path !== 'string' || typeof o.replayPath !== 'string' || typeof o.runs !== 'number') bad('needs seed, path, replayPath and runs');
  if (o.maxCommands !== undefined && typeof o.maxCommands !== 'number') bad('maxCommands must be a number');
  if (o.idle !== undefined && o.idle !== 'poll' && o.idle !== 'halt') bad("idle must be 'poll' or 'halt'");
  if (o.memory !== undefined && o.memory !== 'tso' && o.memory !== 'lkmm') bad("memory must be 'tso' or 'lkmm'");
  return raw as ReplayToken;
}
