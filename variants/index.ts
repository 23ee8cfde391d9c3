/**
 * The built-in variants: the bug catalogue's faults, one file each in variants/faults/ (in the
 * catalogue's order), and the loader for a user's variant file (`--variant FILE.ts`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOverrides, VARIANT_ID, VariantError } from '../impl/variant.js';
import type { ModelVariant } from '../model/variant.js';
import type { Variant } from './format.js';
import v_B3_no_dying_flush from './faults/B3-no-dying-flush.js';
import v_B4_async_unlock_after_func from './faults/B4-async-unlock-after-func.js';
import v_B6_ebusy_test_race from './faults/B6-ebusy-test-race.js';
import v_B8_offline_warn_checks_queue from './faults/B8-offline-warn-checks-queue.js';
import v_B9_wait_only_if_ipi from './faults/B9-wait-only-if-ipi.js';
import v_B10_lockwait_no_bt_token from './faults/B10-lockwait-no-bt-token.js';
import v_B11_shared_csd_lock_not_atomic from './faults/B11-shared-csd-lock-not-atomic.js';
import v_sync_unlock_before_func from './faults/sync-unlock-before-func.js';
import v_no_ipi_on_empty_edge from './faults/no-ipi-on-empty-edge.js';
import v_no_stop_machine_barrier from './faults/no-stop-machine-barrier.js';
import v_flush_before_offline from './faults/flush-before-offline.js';
import v_cfd_not_freed_at_dead from './faults/cfd-not-freed-at-dead.js';
import v_cfd_freed_at_dying from './faults/cfd-freed-at-dying.js';
import v_mask_not_intersected_online from './faults/mask-not-intersected-online.js';
import v_idle_no_recheck from './faults/idle-no-recheck.js';
import v_llist_add_no_cas from './faults/llist-add-no-cas.js';
import v_del_all_no_xchg from './faults/del-all-no-xchg.js';
import v_llist_not_reversed from './faults/llist-not-reversed.js';
import v_csd_lock_no_wait from './faults/csd-lock-no-wait.js';
import v_many_wait_first_only from './faults/many-wait-first-only.js';
import v_many_skips_last_cpu from './faults/many-skips-last-cpu.js';
import v_irq_work_queue_offline from './faults/irq-work-queue-offline.js';
import v_irq_work_claim_not_atomic from './faults/irq-work-claim-not-atomic.js';
import v_ttwu_with_async from './faults/ttwu-with-async.js';
import v_ttwu_chain_first_only from './faults/ttwu-chain-first-only.js';
import v_double_unlock from './faults/double-unlock.js';
import v_B7_ttwu_stale_cpu from './faults/B7-ttwu-stale-cpu.js';
import v_B3_late_ipi_offline from './faults/B3-late-ipi-offline.js';
import v_flush_async_first from './faults/flush-async-first.js';
import v_no_online_check from './faults/no-online-check.js';
import v_enxio_keeps_lock from './faults/enxio-keeps-lock.js';
import v_dead_cpu_frees_in_flight from './faults/dead-cpu-frees-in-flight.js';
import v_B1_publish_relaxed from './faults/B1-publish-relaxed.js';
import v_csd_unlock_no_release from './faults/csd-unlock-no-release.js';
import v_csd_lock_wait_no_acquire from './faults/csd-lock-wait-no-acquire.js';
import v_csd_lock_no_wmb from './faults/csd-lock-no-wmb.js';
import v_idle_no_mb_after_atomic from './faults/idle-no-mb-after-atomic.js';
import v_set_nr_if_polling_not_atomic from './faults/set-nr-if-polling-not-atomic.js';
import v_B2_ipi_mask_from_queues from './faults/B2-ipi-mask-from-queues.js';

export { VariantError } from '../impl/variant.js';
export { defineVariant, TECHNIQUES, type DetectorId, type Technique, type Variant, type VariantModel, type VariantSpec } from './format.js';

export const BUILTIN_VARIANTS: readonly Variant[] = [
  v_B3_no_dying_flush,
  v_B4_async_unlock_after_func,
  v_B6_ebusy_test_race,
  v_B8_offline_warn_checks_queue,
  v_B9_wait_only_if_ipi,
  v_B10_lockwait_no_bt_token,
  v_B11_shared_csd_lock_not_atomic,
  v_sync_unlock_before_func,
  v_no_ipi_on_empty_edge,
  v_no_stop_machine_barrier,
  v_flush_before_offline,
  v_cfd_not_freed_at_dead,
  v_cfd_freed_at_dying,
  v_mask_not_intersected_online,
  v_idle_no_recheck,
  v_llist_add_no_cas,
  v_del_all_no_xchg,
  v_llist_not_reversed,
  v_csd_lock_no_wait,
  v_many_wait_first_only,
  v_many_skips_last_cpu,
  v_irq_work_queue_offline,
  v_irq_work_claim_not_atomic,
  v_ttwu_with_async,
  v_ttwu_chain_first_only,
  v_double_unlock,
  v_B7_ttwu_stale_cpu,
  v_B3_late_ipi_offline,
  v_flush_async_first,
  v_no_online_check,
  v_enxio_keeps_lock,
  v_dead_cpu_frees_in_flight,
  v_B1_publish_relaxed,
  v_csd_unlock_no_release,
  v_csd_lock_wait_no_acquire,
  v_csd_lock_no_wmb,
  v_idle_no_mb_after_atomic,
  v_set_nr_if_polling_not_atomic,
  v_B2_ipi_mask_from_queues,
];

/** A built-in variant by its id (or a former id); null if there is none. */
export function findBuiltin(id: string): Variant | null {
  return BUILTIN_VARIANTS.find((v) => v.id === id || v.formerly.includes(id)) ?? null;
}

/** A built-in variant by id; a one-line VariantError naming the known ids otherwise. */
export function builtinVariant(id: string): Variant {
  const v = findBuiltin(id);
  if (v === null) throw new VariantError(`fault '${id}': no such built-in variant (known: ${BUILTIN_VARIANTS.map((x) => x.id).join(', ')})`);
  return v;
}

function str(x: unknown): x is string {
  return typeof x === 'string';
}

/** Checks the shape of a loaded module's default export; one line naming the file on error. */
export function checkVariant(where: string, def: unknown): Variant {
  if (typeof def !== 'object' || def === null) throw new VariantError(`${where}: no default export (write \`export default defineVariant(import.meta.url, { … })\`)`);
  const o = def as Record<string, unknown>;
  if (!str(o.id) || !VARIANT_ID.test(o.id)) throw new VariantError(`${where}: id must be a string of letters, digits, '.', '_' or '-' (at most 64)`);
  if (!str(o.title) || !str(o.story)) throw new VariantError(`${where}: title and story must be strings`);
  if (!Array.isArray(o.breaks) || !o.breaks.every(str)) throw new VariantError(`${where}: breaks must be a list of invariant ids`);
  if (!Array.isArray(o.workloads)) throw new VariantError(`${where}: workloads must be a list`);
  if (o.model !== null && typeof o.model !== 'object') throw new VariantError(`${where}: model must be an object`);
  checkOverrides(where, o.impl);
  if (o.litmus !== undefined && (typeof o.litmus !== 'object' || o.litmus === null || !Object.values(o.litmus).every(str))) {
    throw new VariantError(`${where}: litmus must map primitive names to primitive names (or 'none')`);
  }
  if (findBuiltin(o.id) !== null) throw new VariantError(`${where}: id '${o.id}' is a built-in fault's; give the variant its own id`);
  return { ...(def as Variant), litmus: (o.litmus as Variant['litmus'] | undefined) ?? {} };
}

/** Imports a variant file (.ts or .js) and checks it. Errors are one line naming the file. */
export async function loadVariantFile(file: string): Promise<Variant> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new VariantError(`--variant ${file}: no such file`);
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e);
    const hint = /require\(\) ES Module|Cannot use import statement/.test(msg) ? '; outside this repository a variant needs "type": "module" in a package.json above it, or the .mts extension' : '';
    throw new VariantError(`--variant ${file}: cannot load the module (${msg})${hint}`);
  }
  const def = typeof mod === 'object' && mod !== null && 'default' in mod ? (mod).default : undefined;
  const v = checkVariant(`--variant ${file}`, def);
  return { ...v, url: pathToFileURL(abs).href };
}

/** How a replay line selects the variant again. */
export function variantCliArg(v: Variant, file?: string): string {
  return findBuiltin(v.id) === v ? `--fault ${v.id}` : `--variant ${file ?? v.file ?? (v.url === null ? v.id : new URL(v.url).pathname)}`;
}

/** The model side of a variant for the explorer; null if the variant changes no model rule. */
export function modelVariant(v: Variant, file?: string): ModelVariant | null {
  if (v.model === null) return null;
  return { id: v.id, rules: v.model, cliArg: variantCliArg(v, file) };
}
