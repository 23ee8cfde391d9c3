/**
 * Refinement (1): the abstract view both sides can be mapped to. Per request: return code, CPUs
 * its func ran on and how often; per CPU: online, cfd allocated, queue empty; CSD locks still set.
 */
import { C_CFD, C_QUEUE, C_STATE, HP_ONLINE, NULL } from '../../impl/layout.js';
import { accountingReport, requestResult } from '../../impl/requests.js';
import type { ModelState } from '../../model/step.js';
import type { CompiledWorkload } from '../../model/workload.js';
import type { SteppedSystem } from '../stepped-system.js';

export interface AbstractView {
  readonly requests: readonly string[];
  readonly cpus: readonly string[];
  readonly locks: number;
}

export function viewKey(v: AbstractView): string {
  return `${v.requests.join(' ')} | ${v.cpus.join(' ')} | locks=${v.locks}`;
}

export function implView(sys: SteppedSystem, requestIds: readonly number[]): AbstractView {
  const { m, L } = sys.mem;
  const requests = requestIds.map((id) => {
    const r = requestResult(m, L, id);
    return `r${id}:${r.returned ? r.rc : 'pending'}@{${r.ranOn.join(',')}}x${r.runs}`;
  });
  const cpus = Array.from({ length: sys.n }, (_, c) =>
    `cpu${c}:${m[L.cpu(c, C_STATE)] === HP_ONLINE ? 'on' : 'off'}${(m[L.cpu(c, C_CFD)] ?? NULL) !== NULL ? '+cfd' : ''}${(m[L.cpu(c, C_QUEUE)] ?? NULL) === NULL ? '' : '+queued'}`);
  return { requests, cpus, locks: accountingReport(sys.mem).locksStillSet };
}

export function modelView(s: ModelState, cw: CompiledWorkload): AbstractView {
  const x = s.context;
  const requests = cw.requests.map((r) => {
    let mask = 0;
    let runs = x.localRan[r.id] ?? 0;
    if (runs > 0) mask |= 1 << r.cpu;
    for (const sl of r.slots) {
      const k = x.ran[sl] ?? 0;
      runs += k;
      if (k > 0) mask |= 1 << (x.ranOn[sl] ?? 0);
    }
    const on = Array.from({ length: cw.n }, (_, c) => c).filter((c) => (mask & (1 << c)) !== 0);
    const ret = x.ret[r.id];
    return `r${r.id}:${ret ?? 'pending'}@{${on.join(',')}}x${runs}`;
  });
  const cpus = Array.from({ length: cw.n }, (_, c) => {
    const queued = (x.queue[c] ?? []).length + (x.batch[c] ?? []).length > 0;
    return `cpu${c}:${x.online[c] === true ? 'on' : 'off'}${x.cfd[c] === true ? '+cfd' : ''}${queued ? '+queued' : ''}`;
  });
  return { requests, cpus, locks: x.lock.filter((o) => o !== 0).length };
}
