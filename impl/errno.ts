/** Return codes (negative errno, as the kernel returns them). */
export const ENXIO = 6;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EINVAL = 22;

export function errnoName(rc: number): string {
  switch (rc) {
    case 0: return '0';
    case -ENXIO: return '-ENXIO';
    case -ENOMEM: return '-ENOMEM';
    case -EBUSY: return '-EBUSY';
    case -EINVAL: return '-EINVAL';
    default: return String(rc);
  }
}
