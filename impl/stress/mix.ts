/**
 * The call mix of a stress run, like scftorture's `weight_*` module parameters: each entry is one
 * primitive in its wait or no-wait form, with a relative weight. `selDump` prints the mix as
 * percentages at start, as scftorture's `scf_sel_dump` does, so a log says what was exercised.
 */
import type { SmpRequest } from '../requests.js';

/** Mix keys: the primitive, `_wait` for its waiting form (single_async never waits). */
export const MIX_KEYS = [
  'single', 'single_wait', 'single_async', 'any', 'any_wait', 'many', 'many_wait',
  'many_cond', 'many_cond_wait', 'on_each_cpu_cond_mask', 'on_each_cpu_cond_mask_wait', 'irq_work', 'ttwu',
] as const;
export type MixKey = (typeof MIX_KEYS)[number];

export interface MixEntry {
  readonly key: MixKey;
  readonly weight: number;
}
export type Mix = readonly MixEntry[];

/** Every primitive, waiting forms twice as often as scftorture's defaults favour them. */
export const DEFAULT_MIX_TEXT =
  'single=2,single_wait=4,single_async=2,any=1,any_wait=1,many=1,many_wait=2,many_cond=1,many_cond_wait=1,on_each_cpu_cond_mask=1,on_each_cpu_cond_mask_wait=1,irq_work=1,ttwu=1';

/** `single=4,single_async=2,…` → entries with weight > 0. Throws RangeError naming the bad part. */
export function parseMix(text: string): Mix {
  const out: MixEntry[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z_]+)=(\d+)$/.exec(part);
    if (m === null) throw new RangeError(`'${part}' is not key=weight (integer weight)`);
    const key = MIX_KEYS.find((k) => k === m[1]);
    if (key === undefined) throw new RangeError(`'${m[1] ?? part}' is not a call (known: ${MIX_KEYS.join(', ')})`);
    if (seen.has(key)) throw new RangeError(`'${key}' appears twice`);
    seen.add(key);
    const weight = Number(m[2]);
    if (!Number.isSafeInteger(weight) || weight > 1_000_000) throw new RangeError(`'${part}': weight must be 0..1000000`);
    if (weight > 0) out.push({ key, weight });
  }
  if (out.length === 0) throw new RangeError('no call has a weight above 0');
  return out;
}

/** The kernel function each key stands for, as scf_sel_dump names them. */
export function describeKey(key: MixKey): string {
  const wait = key.endsWith('_wait');
  const base = wait ? key.slice(0, -'_wait'.length) : key;
  if (base === 'irq_work') return 'irq_work_queue_on';
  if (base === 'ttwu') return 'ttwu_queue_wakelist';
  const fn = base === 'single' ? 'smp_call_function_single' : base === 'single_async' ? 'smp_call_function_single_async'
    : base === 'any' ? 'smp_call_function_any' : base === 'many' ? 'smp_call_function_many'
      : base === 'many_cond' ? 'smp_call_function_many_cond' : 'on_each_cpu_cond_mask';
  return base === 'single_async' ? fn : `${fn}(${wait ? 'wait' : 'nowait'})`;
}

/** One line per entry: `stress: mix  25.000% smp_call_function_single(wait)`. */
export function selDump(mix: Mix): string[] {
  const total = mix.reduce((a, e) => a + e.weight, 0);
  return mix.map((e) => `stress: mix ${((100 * e.weight) / total).toFixed(3).padStart(7)}% ${describeKey(e.key)}`);
}

/** Picks an entry by weight with `r` in [0, 1). */
export function pick(mix: Mix, r: number): MixEntry {
  const total = mix.reduce((a, e) => a + e.weight, 0);
  let x = r * total;
  for (const e of mix) {
    if (x < e.weight) return e;
    x -= e.weight;
  }
  const last = mix[mix.length - 1];
  if (last === undefined) throw new RangeError('empty mix');
  return last;
}

/** A random non-empty CPU subset of 0..cpus-1 (each CPU with probability 1/2, at least one). */
function randomMask(cpus: number, rand: () => number): number[] {
  const mask: number[] = [];
  for (let c = 0; c < cpus; c++) if (rand() < 0.5) mask.push(c);
  if (mask.length === 0) mask.push(Math.floor(rand() * cpus));
  return mask;
}

/**
 * The request for one pick, issued by `issuer`. Targets are any CPU (self included, offline ones
 * too: those must return -ENXIO). `selfFraction` of single-target calls target the issuer itself.
 * single_async uses one of the issuer's two own user CSDs, so reusing one still in flight gives
 * -EBUSY, or (a quarter of them) the target's shared async CSD, which every CPU may submit (B6).
 * irq_work goes to another CPU (the local path does not use call_single_queue): half the time the
 * issuer's own work, a quarter another CPU's (several queuers race for it: its claim decides), a
 * quarter with fn_irq_work_next (it queues the request on from hardirq). ttwu wakes one of the
 * issuer's two tasks on another CPU (a quarter with fn_ttwu_next, which wakes on from hardirq).
 */
export function makeRequest(key: MixKey, issuer: number, cpus: number, rand: () => number, selfFraction: number): SmpRequest {
  const wait = key.endsWith('_wait');
  const target = rand() < selfFraction ? issuer : Math.floor(rand() * cpus);
  switch (key) {
    case 'single': case 'single_wait': return { kind: 'single', target, wait };
    case 'single_async': return rand() < 0.25 ? { kind: 'single_async', target, shared: true } : { kind: 'single_async', target, csd: Math.floor(rand() * 2) };
    case 'any': case 'any_wait': return { kind: 'any', mask: randomMask(cpus, rand), wait };
    case 'many': case 'many_wait': return { kind: 'many', mask: randomMask(cpus, rand), wait };
    case 'many_cond': case 'many_cond_wait':
      return { kind: 'many_cond', mask: randomMask(cpus, rand), wait, runLocal: rand() < 0.5, cond: randomMask(cpus, rand) };
    case 'on_each_cpu_cond_mask': case 'on_each_cpu_cond_mask_wait':
      return { kind: 'on_each_cpu_cond_mask', mask: randomMask(cpus, rand), wait, cond: randomMask(cpus, rand) };
    case 'irq_work': {
      const other = cpus < 2 ? issuer : (issuer + 1 + Math.floor(rand() * (cpus - 1))) % cpus;
      const r = rand();
      if (r < 0.25) return { kind: 'irq_work', target: other, owner: Math.floor(rand() * cpus) };
      return r < 0.5 ? { kind: 'irq_work', target: other, func: 'fn_irq_work_next' } : { kind: 'irq_work', target: other };
    }
    case 'ttwu': {
      const other = (issuer + 1 + Math.floor(rand() * (cpus - 1))) % cpus;
      const task = Math.floor(rand() * 2);
      return rand() < 0.25 ? { kind: 'ttwu', target: other, task, func: 'fn_ttwu_next' } : { kind: 'ttwu', target: other, task };
    }
  }
}
