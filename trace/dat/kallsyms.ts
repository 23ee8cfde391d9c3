/**
 * Kernel symbol table from a `/proc/kallsyms` copy (trace-cmd stores one in trace.dat), to print
 * function pointers the way the kernel's `%ps` (name) and `%pS` (name+0xoff/0xsize) do.
 *
 * Addresses are 64-bit; they are kept as two u32 halves so lookups need no BigInt.
 */

/** Hex digit values by byte (-1: not a hex digit). */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = HEX[65 + c] = 10 + c;

export class Kallsyms {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  /** Names stay bytes of the kallsyms text (`text[nameAt[i], nameEnd[i])`) until a lookup needs one. */
  private readonly text: Buffer;
  private readonly nameAt: Uint32Array;
  private readonly nameEnd: Uint32Array;
  private readonly cache = new Map<number, Map<number, string>>();

  private constructor(hi: Uint32Array, lo: Uint32Array, text: Buffer, nameAt: Uint32Array, nameEnd: Uint32Array) {
    this.hi = hi;
    this.lo = lo;
    this.text = text;
    this.nameAt = nameAt;
    this.nameEnd = nameEnd;
  }

  static empty(): Kallsyms {
    const z = new Uint32Array(0);
    return new Kallsyms(z, z, Buffer.alloc(0), z, z);
  }

  private name(i: number): string {
    return this.text.toString('latin1', this.nameAt[i] ?? 0, this.nameEnd[i] ?? 0).replace('\t', ' ');
  }

  /** `ffffffff81000000 T _stext` lines; module symbols keep their `[module]` suffix. */
  static parse(text: string | Buffer): Kallsyms {
    return Kallsyms.parseBytes(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /**
   * Byte-level parse (a kallsyms copy has ~10⁵ lines, most never looked up): addresses are read
   * straight from the hex digits and a name is decoded only when a lookup returns it.
   */
  private static parseBytes(b: Buffer): Kallsyms {
    const n0 = b.length;
    let cap = 1024;
    let hi: Uint32Array = new Uint32Array(cap);
    let lo: Uint32Array = new Uint32Array(cap);
    let nameAt: Uint32Array = new Uint32Array(cap);
    let nameEnd: Uint32Array = new Uint32Array(cap);
    let n = 0;
    let sorted = true;
    let i = 0;
    while (i < n0) {
      // `<hex address> <type> <name>[\t[module]]`
      let h = 0;
      let l = 0;
      let j = i;
      let digits = 0;
      for (; j < n0; j++) {
        const d = HEX[b[j] ?? 0] ?? -1;
        if (d < 0) break;
        h = ((h << 4) | (l >>> 28)) >>> 0;
        l = ((l << 4) | d) >>> 0;
        digits++;
      }
      // The line end, found by hand (one builtin call per line costs more than the short scan).
      let e = j;
      while (e < n0 && b[e] !== 10) e++;
      const type = j + 1 < e ? (b[j + 1] ?? 0) : 0;
      // Text symbols only (t/T, w/W): csd functions, callsites and callbacks are all code.
      if (digits > 0 && digits <= 16 && b[j] === 32 && j + 2 < e && b[j + 2] === 32 && (type === 116 || type === 84 || type === 119 || type === 87)) {
        if (n === cap) {
          cap *= 2;
          const grow = (a: Uint32Array): Uint32Array => {
            const x = new Uint32Array(cap);
            x.set(a);
            return x;
          };
          hi = grow(hi);
          lo = grow(lo);
          nameAt = grow(nameAt);
          nameEnd = grow(nameEnd);
        }
        if (n > 0 && (hi[n - 1] ?? 0) * 2 ** 32 + (lo[n - 1] ?? 0) > h * 2 ** 32 + l) sorted = false;
        hi[n] = h;
        lo[n] = l;
        nameAt[n] = j + 3;
        nameEnd[n] = e > 0 && b[e - 1] === 13 ? e - 1 : e;
        n++;
      }
      i = e + 1;
    }
    let order: number[] | null = null;
    if (!sorted) {
      order = Array.from({ length: n }, (_, k) => k);
      order.sort((x, y) => (hi[x] ?? 0) - (hi[y] ?? 0) || (lo[x] ?? 0) - (lo[y] ?? 0) || x - y);
    }
    const H = new Uint32Array(n);
    const L = new Uint32Array(n);
    const A = new Uint32Array(n);
    const Z = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const src = order === null ? k : (order[k] ?? 0);
      H[k] = hi[src] ?? 0;
      L[k] = lo[src] ?? 0;
      A[k] = nameAt[src] ?? 0;
      Z[k] = nameEnd[src] ?? 0;
    }
    return new Kallsyms(H, L, b, A, Z);
  }

  get size(): number {
    return this.hi.length;
  }

  /** Index of the last symbol at or below the address, or -1. */
  private find(hi: number, lo: number): number {
    let a = 0;
    let b = this.hi.length - 1;
    let best = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const mh = this.hi[m] ?? 0;
      const ml = this.lo[m] ?? 0;
      if (mh < hi || (mh === hi && ml <= lo)) {
        best = m;
        a = m + 1;
      } else b = m - 1;
    }
    // Several names may share an address (aliases): take the first, as kallsyms lookup does.
    while (best > 0 && this.hi[best - 1] === this.hi[best] && this.lo[best - 1] === this.lo[best]) best--;
    return best;
  }

  /**
   * `%ps` (`withOffset` false): the symbol's name; `%pS`: `name+0xoff/0xsize`. An address that no
   * symbol covers prints as `0x…` hex, as the kernel does.
   */
  format(hi: number, lo: number, withOffset: boolean): string {
    const key = withOffset ? hi ^ 0x80000000 : hi;
    let byLo = this.cache.get(key);
    if (byLo === undefined) {
      byLo = new Map();
      this.cache.set(key, byLo);
    }
    const hit = byLo.get(lo);
    if (hit !== undefined) return hit;
    const s = this.formatUncached(hi, lo, withOffset);
    if (byLo.size < 1 << 16) byLo.set(lo, s);
    return s;
  }

  private formatUncached(hi: number, lo: number, withOffset: boolean): string {
    if (hi === 0 && lo === 0) return '0x0'; // NULL, as %ps and %pS print it
    const i = this.find(hi, lo);
    if (i < 0) return `0x${hex64(hi, lo)}`;
    const name = this.name(i);
    const shi = this.hi[i] ?? 0;
    const slo = this.lo[i] ?? 0;
    const off = (hi - shi) * 2 ** 32 + (lo - slo);
    // The next distinct address bounds the symbol (kallsyms has no sizes).
    let j = i + 1;
    while (j < this.hi.length && this.hi[j] === shi && this.lo[j] === slo) j++;
    const size = j < this.hi.length ? ((this.hi[j] ?? 0) - shi) * 2 ** 32 + ((this.lo[j] ?? 0) - slo) : 0;
    if (size > 0 && off >= size) return `0x${hex64(hi, lo)}`;
    if (size === 0 && off > 1 << 20) return `0x${hex64(hi, lo)}`;
    if (!withOffset) return bare(name);
    const sp = name.indexOf(' ');
    const mod = sp >= 0 ? name.slice(sp) : '';
    return `${bare(name)}+0x${off.toString(16)}/0x${size.toString(16)}${mod}`;
  }
}

function bare(name: string): string {
  const sp = name.indexOf(' ');
  return sp >= 0 ? name.slice(0, sp) : name;
}

export function hex64(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
