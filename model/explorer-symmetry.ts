/**
 * Does a workload have CPU symmetry? A symmetry reduction (canonicalising states under CPU
 * permutations) is sound only for permutations π that map the workload onto itself — CPU c's
 * script, renamed by π, is CPU π(c)'s script; hotplug budgets and idle polling move with their CPU —
 * and under which the rules are equivariant. The rules look at CPU numbers in three places: the
 * many-call loop queues in CPU order, smp_call_function_any picks the lowest online CPU of its mask,
 * and (fault B7) ttwu picks target+1. So π must also keep the order of the CPUs of every many/any
 * mask, and be the identity when a ttwu request exists.
 *
 * `workloadSymmetries` lists the permutations meeting these NECESSARY conditions. When it returns
 * only the identity (the sizing workload at every CPU count, and every default workload at 2 and 3
 * CPUs: test/model/explorer-symmetry.test.ts), no CPU-symmetry reduction applies, so the explorer
 * implements none (model/README.md, "Reduction").
 */
import type { CompiledRequest, CompiledWorkload } from './workload.js';

function mapMask(m: number, pi: readonly number[]): number {
  let out = 0;
  for (let c = 0; c < pi.length; c++) if ((m & (1 << c)) !== 0) out |= 1 << (pi[c] as number);
  return out;
}

/** π keeps the relative order of the CPUs in mask m. */
function keepsOrder(m: number, pi: readonly number[]): boolean {
  let last = -1;
  for (let c = 0; c < pi.length; c++) {
    if ((m & (1 << c)) === 0) continue;
    const p = pi[c] as number;
    if (p < last) return false;
    last = p;
  }
  return true;
}

/** The name of a CSD with the CPU numbers in it renamed (`cfd:<caller>:<target>`, `user:<owner>:…`, `csd_data:<owner>`…). */
function mapCsdName(name: string, pi: readonly number[]): string {
  const parts = name.split(':');
  const cpuAt = (i: number): void => {
    const v = Number(parts[i]);
    if (Number.isInteger(v) && v >= 0 && v < pi.length) parts[i] = String(pi[v]);
  };
  if (parts[0] === 'cfd') { cpuAt(1); cpuAt(2); } else if (parts[0] === 'user' || parts[0] === 'csd_data' || parts[0] === 'irq_work') cpuAt(1);
  return parts.join(':');
}

function sameRequest(a: CompiledRequest, b: CompiledRequest, cw: CompiledWorkload, pi: readonly number[]): boolean {
  const n = cw.n;
  const t = a.target >= 0 && a.target < n ? (pi[a.target] as number) : a.target;
  if (a.kind !== b.kind || a.wait !== b.wait || a.runLocal !== b.runLocal || t !== b.target) return false;
  if (mapMask(a.mask, pi) !== b.mask || mapMask(a.cond, pi) !== b.cond) return false;
  if (a.many || a.kind === 'any') {
    const ordered = a.many ? a.mask & ~(1 << a.cpu) : a.mask;
    if (!keepsOrder(ordered, pi)) return false;
  }
  // the CSD memory each use locks (stack per request, csd_data/user CSDs shared by name)
  if (a.slots.length !== b.slots.length) return false;
  for (let k = 0; k < a.slots.length; k++) {
    const sa = cw.slots[a.slots[k] as number];
    const sb = cw.slots[b.slots[k] as number];
    if (sa === undefined || sb === undefined || sa.type !== sb.type) return false;
    const na = cw.csds[sa.csd] ?? '';
    const nb = cw.csds[sb.csd] ?? '';
    if (!na.startsWith('stack:') && !na.startsWith('ttwu:') && mapCsdName(na, pi) !== nb) return false;
  }
  return true;
}

/** Is π (π[c] = image of CPU c) a symmetry candidate of the workload (necessary conditions above)? */
export function isWorkloadSymmetry(cw: CompiledWorkload, pi: readonly number[]): boolean {
  const n = cw.n;
  if (cw.requests.some((r) => r.kind === 'ttwu') && pi.some((p, c) => p !== c)) return false;
  for (let c = 0; c < n; c++) {
    const d = pi[c] as number;
    if (cw.hpCycles[c] !== cw.hpCycles[d] || cw.polling[c] !== cw.polling[d]) return false;
    const sc = cw.scripts[c] ?? [];
    const sd = cw.scripts[d] ?? [];
    if (sc.length !== sd.length) return false;
    for (let k = 0; k < sc.length; k++) {
      const a = cw.requests[sc[k] as number];
      const b = cw.requests[sd[k] as number];
      if (a === undefined || b === undefined || !sameRequest(a, b, cw, pi)) return false;
    }
  }
  return true;
}

/** Every permutation meeting the necessary conditions (the identity included), for n ≤ 8 CPUs. */
export function workloadSymmetries(cw: CompiledWorkload): number[][] {
  const out: number[][] = [];
  const pi: number[] = [];
  const used = new Array<boolean>(cw.n).fill(false);
  const rec = (c: number): void => {
    if (c === cw.n) {
      if (isWorkloadSymmetry(cw, pi)) out.push(pi.slice());
      return;
    }
    for (let d = 0; d < cw.n; d++) {
      // a CPU can only map to one with the same hotplug budget, polling and script length
      if (used[d] === true || cw.hpCycles[c] !== cw.hpCycles[d] || cw.polling[c] !== cw.polling[d]) continue;
      if ((cw.scripts[c] ?? []).length !== (cw.scripts[d] ?? []).length) continue;
      used[d] = true;
      pi.push(d);
      rec(c + 1);
      pi.pop();
      used[d] = false;
    }
  };
  rec(0);
  return out;
}
