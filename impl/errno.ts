/** Return codes (negative errno, as the kernel returns them). */
export const ENXIO = 6;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EINVAL = 22;
/**
 * A waiting call issued while this CPU has interrupts disabled. The kernel WARNs (deadlock risk:
 * two CPUs waiting on each other with interrupts off never take each other's IPI). We do not run
 * the call: it returns -EDEADLK and counts H_USAGE_ERRORS, so the checker reports it; never a hang.
 */
export const EDEADLK_IRQS_OFF = 35;

export function errnoName(rc: number): string {
  switch (rc) {
    case 0: return '0';
    case -ENXIO: return '-ENXIO';
    case -ENOMEM: return '-ENOMEM';
    case -EBUSY: return '-EBUSY';
    case -EINVAL: return '-EINVAL';
    case -EDEADLK_IRQS_OFF: return '-EDEADLK_IRQS_OFF';
    default: return String(rc);
  }
}
