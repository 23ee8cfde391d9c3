/**
 * The implementation side of a variant: named kernel functions that replace entries of `SMP_C`
 * (kernel.ts) as a whole. A variant module (variants/format.ts describes the whole format) is an
 * ES module whose default export has an `impl` object of such functions; the threads runtime
 * imports the module by URL in every worker, the deterministic runtime uses the loaded object.
 */
import { KERNEL_FUNCTION_NAMES, SMP_C, type KernelFunctionName, type KernelFunctions } from './kernel.js';

export type KernelOverrides = Partial<KernelFunctions>;

export interface ImplVariant {
  /** Printed in schedules and replay lines; `[A-Za-z0-9._-]+`. */
  readonly id: string;
  /** Where the module is (file: URL): the threads runtime imports it in each worker. Null: no module (tests). */
  readonly url: string | null;
  readonly impl: KernelOverrides;
}

export class VariantError extends Error {
  override readonly name = 'VariantError';
}

export const VARIANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Throws a one-line VariantError if `impl` names a function the table does not have or is not a function. */
export function checkOverrides(where: string, impl: unknown): KernelOverrides {
  if (impl === undefined) return {};
  if (typeof impl !== 'object' || impl === null) throw new VariantError(`${where}: 'impl' must be an object of kernel functions`);
  for (const [k, v] of Object.entries(impl)) {
    if (!(KERNEL_FUNCTION_NAMES as readonly string[]).includes(k)) {
      throw new VariantError(`${where}: impl.${k} is not a kernel function of the table (known: ${KERNEL_FUNCTION_NAMES.join(', ')})`);
    }
    if (typeof v !== 'function') throw new VariantError(`${where}: impl.${k} must be a function`);
  }
  return impl;
}

/** The function table of a system: SMP_C with the variant's entries replaced. */
export function kernelTable(impl: KernelOverrides | undefined): KernelFunctions {
  if (impl === undefined) return SMP_C;
  const t: Record<string, unknown> = { ...SMP_C };
  for (const k of Object.keys(impl) as KernelFunctionName[]) t[k] = impl[k];
  return t as unknown as KernelFunctions;
}

/** Names of the functions a variant replaces, in table order. */
export function overriddenNames(impl: KernelOverrides): KernelFunctionName[] {
  return KERNEL_FUNCTION_NAMES.filter((k) => impl[k] !== undefined);
}

const cache = new Map<string, Promise<KernelOverrides>>();

/** Imports a variant module by URL and returns its `default.impl` (checked). Cached per URL. */
export function importOverrides(url: string): Promise<KernelOverrides> {
  let p = cache.get(url);
  if (p === undefined) {
    p = import(url).then((mod: unknown) => {
      const def = typeof mod === 'object' && mod !== null && 'default' in mod ? (mod).default : undefined;
      if (typeof def !== 'object' || def === null) throw new VariantError(`${url}: the module has no default export (a variant)`);
      return checkOverrides(url, (def as { impl?: unknown }).impl);
    });
    cache.set(url, p);
  }
  return p;
}
