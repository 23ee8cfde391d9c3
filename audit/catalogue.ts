/**
 * The bug catalogue: every named fault of the audit. Each fault is a built-in variant, one file
 * in variants/faults/<id>.ts with its story (the interleaving that shows it), the invariants it
 * breaks, where it comes from (smp-semantics.md §8 for B1..B10, "classic" for textbook lock-free /
 * locking mistakes), the kernel functions it replaces in the implementation and the rules it
 * changes in the model. This file only lists them in catalogue form.
 */
import type { KernelFunctionName } from '../impl/kernel.js';
import { overriddenNames } from '../impl/variant.js';
import type { InvariantId } from '../model/types.js';
import { BUILTIN_VARIANTS, type DetectorId, type Technique, type Variant } from '../variants/index.js';

export { TECHNIQUES, type DetectorId, type Technique } from '../variants/index.js';

export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  /** One paragraph: the bug as an interleaving across CPUs. */
  readonly description: string;
  /** Invariants (smp-protocol.md §8) or detector checks it breaks. Empty: none (say why in `note`). */
  readonly breaks: readonly (InvariantId | DetectorId)[];
  /** Kernel commit that fixed it, or "classic". */
  readonly origin: string;
  /** Ids the fault had in impl/ or model/ before the one naming scheme. */
  readonly formerly: readonly string[];
  /** Kernel functions the implementation variant replaces; empty: model only. */
  readonly implFunctions: readonly KernelFunctionName[];
  /** Model knobs it changes (plus own rules); empty: implementation only. */
  readonly modelRules: readonly string[];
  /** Techniques that must catch it (the audit test holds the catalogue to this). */
  readonly caughtBy: readonly Technique[];
  /** Weak memory models under which the property suite must catch it (barrier faults: never sc; B2, a logic race, also by props under sc). */
  readonly memory: readonly ('tso' | 'lkmm')[];
  readonly note?: string;
  readonly variant: Variant;
}

function entry(v: Variant): CatalogueEntry {
  const model = v.model;
  return {
    id: v.id, title: v.title, description: v.story, breaks: v.breaks, origin: v.origin, formerly: v.formerly,
    implFunctions: overriddenNames(v.impl),
    modelRules: model === null ? [] : [...Object.keys(model.semantics ?? {}), ...(model.provide === undefined ? [] : ['provide'])],
    caughtBy: v.audit?.caughtBy ?? [], memory: v.audit?.memory ?? [], ...(v.audit?.note === undefined ? {} : { note: v.audit.note }), variant: v,
  };
}

export const CATALOGUE: readonly CatalogueEntry[] = BUILTIN_VARIANTS.map(entry);

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

/** An entry by id or former id. */
export function entryById(id: string): CatalogueEntry {
  const e = CATALOGUE.find((x) => x.id === id || x.formerly.includes(id));
  if (e === undefined) throw new CatalogueError(`fault '${id}': not in the catalogue (known: ${CATALOGUE.map((x) => x.id).join(', ')})`);
  return e;
}

/** A variant that is not built in, audited like a catalogue entry (`audit --variant FILE`). */
export function userEntry(v: Variant): CatalogueEntry {
  return entry(v);
}
