/**
 * Binary relations over the events of one candidate execution, as bit matrices (row i = the set
 * of j with i→j). The model files write the memory models with these operators, named as in herd's
 * cat language: `seq` is `;`, `union` `|`, `inter` `&`, `plus` `+`, `star` `*`, `opt` `?`.
 */
export class Rel {
  readonly w: number;
  readonly bits: Uint32Array;
  constructor(readonly n: number, bits?: Uint32Array) {
    this.w = (n + 31) >>> 5;
    this.bits = bits ?? new Uint32Array(n * this.w);
  }

  static from(n: number, pairs: Iterable<readonly [number, number]>): Rel {
    const r = new Rel(n);
    for (const [a, b] of pairs) r.add(a, b);
    return r;
  }

  /** `[S]`: the identity restricted to the events satisfying `p`. */
  static id(n: number, p: (i: number) => boolean = () => true): Rel {
    const r = new Rel(n);
    for (let i = 0; i < n; i++) if (p(i)) r.add(i, i);
    return r;
  }

  static where(n: number, p: (i: number, j: number) => boolean): Rel {
    const r = new Rel(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (p(i, j)) r.add(i, j);
    return r;
  }

  add(a: number, b: number): void {
    const k = a * this.w + (b >>> 5);
    this.bits[k] = (this.bits[k] ?? 0) | (1 << (b & 31));
  }

  has(a: number, b: number): boolean {
    return ((this.bits[a * this.w + (b >>> 5)] ?? 0) & (1 << (b & 31))) !== 0;
  }

  *pairs(): Generator<[number, number]> {
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) if (this.has(i, j)) yield [i, j];
  }

  isEmpty(): boolean {
    return this.bits.every((x) => x === 0);
  }

  union(...rs: readonly Rel[]): Rel {
    const out = new Uint32Array(this.bits);
    for (const r of rs) for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) | (r.bits[k] ?? 0);
    return new Rel(this.n, out);
  }

  inter(r: Rel): Rel {
    const out = new Uint32Array(this.bits);
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) & (r.bits[k] ?? 0);
    return new Rel(this.n, out);
  }

  minus(r: Rel): Rel {
    const out = new Uint32Array(this.bits);
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) & ~(r.bits[k] ?? 0);
    return new Rel(this.n, out);
  }

  inverse(): Rel {
    const out = new Rel(this.n);
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) if (this.has(i, j)) out.add(j, i);
    return out;
  }

  /** `this ; r` */
  seq(r: Rel): Rel {
    const out = new Rel(this.n);
    const w = this.w;
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < this.n; j++) {
        if (!this.has(i, j)) continue;
        for (let k = 0; k < w; k++) out.bits[i * w + k] = (out.bits[i * w + k] ?? 0) | (r.bits[j * w + k] ?? 0);
      }
    }
    return out;
  }

  /** `r?` */
  opt(): Rel {
    return this.union(Rel.id(this.n));
  }

  /** `r+` (Warshall) */
  plus(): Rel {
    const out = new Rel(this.n, new Uint32Array(this.bits));
    const w = this.w;
    const b = out.bits;
    for (let k = 0; k < this.n; k++) {
      for (let i = 0; i < this.n; i++) {
        if (((b[i * w + (k >>> 5)] ?? 0) & (1 << (k & 31))) === 0) continue;
        for (let x = 0; x < w; x++) b[i * w + x] = (b[i * w + x] ?? 0) | (b[k * w + x] ?? 0);
      }
    }
    return out;
  }

  /** `r*` */
  star(): Rel {
    return this.plus().opt();
  }

  irreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(i, i)) return false;
    return true;
  }

  acyclic(): boolean {
    return this.plus().irreflexive();
  }

  /** `[D] ; this ; [R]` with the sets given as predicates. */
  restrict(dom: (i: number) => boolean, ran: (j: number) => boolean): Rel {
    const out = new Rel(this.n);
    for (let i = 0; i < this.n; i++) {
      if (!dom(i)) continue;
      for (let j = 0; j < this.n; j++) if (ran(j) && this.has(i, j)) out.add(i, j);
    }
    return out;
  }
}
