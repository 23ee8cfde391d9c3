/** Built-in variants by id, for tests (the catalogue's faults, variants/faults/<id>.ts). */
import type { ImplVariant } from '../../impl/variant.js';
import type { ModelVariant } from '../../model/variant.js';
import { builtinVariant, modelVariant } from '../../variants/index.js';

/** The implementation side of a built-in fault (former ids accepted). */
export function fault(id: string): ImplVariant {
  return builtinVariant(id);
}

/** The model side of a built-in fault; throws if it has none. */
export function modelFault(id: string): ModelVariant {
  const mv = modelVariant(builtinVariant(id));
  if (mv === null) throw new Error(`${id}: no model rules`);
  return mv;
}
