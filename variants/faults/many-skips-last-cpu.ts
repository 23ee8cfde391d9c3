/**
 * smp_call_function_many_cond whose walk of the mask stops one CPU short (implementation only).
 *
 * The kind of bug an off-by-one in a for_each_cpu/cpumask_next bound makes: the highest remote
 * CPU of the mask is never queued. The implementation's own bookkeeping never hears of that CPU
 * (it records a target as it queues it), so an oracle that asked the implementation where the
 * call should run agreed with it; the property suite derives the targets from the request as the
 * caller made it (properties/expected-runs.ts) and reports the lost run.
 */
import { type Ctx, defineVariant, type Proto, SMP_C } from '../api.js';

function* manyCondSkipsLast(
  c: Ctx, mask: number, func: number, info: number, scfFlags: number, cond: number | null,
): Proto<number> {
  const remote = mask & ~(1 << c.cpu);
  const last = remote === 0 ? 0 : 1 << (31 - Math.clz32(remote));
  // broken: the loop bound excludes the last CPU of the mask
  return yield* SMP_C.smp_call_function_many_cond(c, mask & ~last, func, info, scfFlags, cond);
}

export default defineVariant(import.meta.url, {
  id: 'many-skips-last-cpu',
  title: 'a many-call that never queues the last CPU of its mask',
  story: 'CPU0 calls smp_call_function_many({1,2}, wait=0). The walk of cfd->cpumask stops before CPU2, so only CPU1 runs the function and the call returns 0: CPU2\'s run is lost, and nothing in the implementation\'s own records says it was due.',
  origin: 'classic (a for_each_cpu bound off by one)',
  breaks: ['INV-NO-LOST-CALL', 'INV-SYNC-AFTER-RUN'],
  impl: { smp_call_function_many_cond: manyCondSkipsLast },
  audit: { caughtBy: ['props', 'det-random', 'det-pct'] },
});
