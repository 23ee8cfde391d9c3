/**
 * Worked variant 4 (litmus only): what if `smp_store_release` / `smp_load_acquire` gave no more
 * ordering than `WRITE_ONCE` / `READ_ONCE`? The variant changes no kernel function of the
 * implementation and no model rule; it rewrites primitives for `smpcheck litmus`, which then
 * checks every test as if those calls were the plain ones:
 *
 *   npx smpcheck litmus litmus/tests/MP+pooncerelease+poacquireonce.litmus                     # Never
 *   npx smpcheck litmus --variant examples/variants/release-as-once.ts \
 *       litmus/tests/MP+pooncerelease+poacquireonce.litmus                                      # Sometimes
 *
 * That is the message-passing shape of csd_unlock (release) against csd_lock_wait (acquire): without
 * the pair, a waiter may see the lock free and still read the callback's data stale.
 */
import { defineVariant } from '../../variants/api.js';

export default defineVariant(import.meta.url, {
  id: 'example-release-as-once',
  title: 'release/acquire as plain once accesses (litmus)',
  story: 'Every smp_store_release is checked as WRITE_ONCE and every smp_load_acquire as READ_ONCE. Under the LKMM the message-passing and ISA2/Z6 shapes that rely on release/acquire become allowed; under SC nothing changes. smp.c itself is not changed (no impl or model part).',
  origin: 'example',
  breaks: [],
  litmus: { smp_store_release: 'WRITE_ONCE', smp_load_acquire: 'READ_ONCE' },
});
