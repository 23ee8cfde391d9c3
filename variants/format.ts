/**
 * The variant format: one TypeScript module per variant of smp.c, default-exporting
 * `defineVariant(import.meta.url, { … })`. A variant
 * - replaces named kernel functions of the implementation as a whole (`impl`: entries of the
 *   function table impl/kernel.ts, written against the same API as the protocol, variants/api.ts);
 * - replaces named rules of the model (`model`: `Semantics` knobs, the guards/actions rebuilt from
 *   them, or guard/action implementations of its own; model/variant.ts);
 * - may bring its own model workloads (`workloads`; `explore --variant` explores them too).
 * The bug catalogue's faults (variants/faults/*.ts) are variants in exactly this format, so a
 * user's variant is as powerful as a built-in fault. The threads runtime imports the module by URL
 * in every worker, so a variant module must not need anything but its imports.
 */
import type { ImplVariant, KernelOverrides } from '../impl/variant.js';
import type { InvariantId } from '../model/types.js';
import type { ModelRules } from '../model/variant.js';
import type { Workload } from '../model/workload.js';

/** How the audit looks for a fault. */
export type Technique = 'model' | 'props' | 'det-random' | 'det-pct' | 'threads' | 'detector';
export const TECHNIQUES: readonly Technique[] = ['model', 'props', 'det-random', 'det-pct', 'threads', 'detector'];

/**
 * Directed detector checks (audit/detectors.ts). They are not protocol invariants: they test that
 * a diagnostic still fires (B8, B10) or that an order the kernel documents is kept.
 */
export type DetectorId = 'DET-OFFLINE-WARN' | 'DET-BT-TOKEN' | 'DET-FIFO';

export interface VariantModel extends ModelRules {
  /** Model workload that exposes it (a default workload's name or one of `workloads`). */
  readonly workload?: string;
  /** CPU count the model is explored with for it (default 3). */
  readonly cpus?: number;
  /** Invariants the explorer must find violated on that workload. */
  readonly breaks?: readonly InvariantId[];
}

export interface VariantAudit {
  readonly caughtBy: readonly Technique[];
  readonly note?: string;
  readonly memory?: readonly ('tso' | 'lkmm')[];
}

export interface VariantSpec {
  /** `[A-Za-z0-9._-]+`; historical bugs start with their B-id (B3-…, B9-…). */
  readonly id: string;
  readonly title: string;
  /** One paragraph: the change, and for a bug the interleaving across CPUs that shows it. */
  readonly story: string;
  /** Kernel commit that fixed it, "classic", or "example". */
  readonly origin?: string;
  /** Ids this variant had before the one naming scheme (accepted on input, never printed). */
  readonly formerly?: readonly string[];
  /** Invariants or detector checks it breaks; empty = a harmless change (must pass). */
  readonly breaks?: readonly (InvariantId | DetectorId)[];
  readonly impl?: KernelOverrides;
  readonly model?: VariantModel;
  readonly workloads?: readonly Workload[];
  /**
   * For `smpcheck litmus --variant`: primitive rewrites. Each call of a key primitive in a litmus
   * test is checked as the value primitive (same kind and arguments: a load as a load, a store as a
   * store, an RMW as the same RMW with another ordering, a fence as another fence or `none`).
   */
  readonly litmus?: Readonly<Record<string, string>>;
  /**
   * For the bug catalogue: techniques that must catch it (under sc), and why others cannot;
   * `memory`: the weak memory models under which the property suite must catch it (a barrier
   * fault: caught under these, never under sc; a logic race named here too, as B2, also lists
   * `props` in `caughtBy`).
   */
  readonly audit?: VariantAudit;
}

export interface Variant extends ImplVariant {
  readonly title: string;
  readonly story: string;
  readonly origin: string;
  readonly formerly: readonly string[];
  readonly breaks: readonly (InvariantId | DetectorId)[];
  readonly impl: KernelOverrides;
  readonly model: VariantModel | null;
  readonly workloads: readonly Workload[];
  readonly litmus: Readonly<Record<string, string>>;
  readonly audit: VariantAudit | null;
  /** the path it was loaded from, as given on the command line (user variants) */
  readonly file?: string;
}

/** The default export of a variant module. `url`: the module's `import.meta.url`. */
export function defineVariant(url: string, spec: VariantSpec): Variant {
  return {
    id: spec.id, url, title: spec.title, story: spec.story, origin: spec.origin ?? 'user',
    formerly: spec.formerly ?? [], breaks: spec.breaks ?? [], impl: spec.impl ?? {},
    model: spec.model ?? null, workloads: spec.workloads ?? [], litmus: spec.litmus ?? {}, audit: spec.audit ?? null,
  };
}
