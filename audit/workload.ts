/**
 * Random call scripts for the stress techniques (scftorture-style): a seeded mix of every call of
 * smp-protocol.md §2 from every CPU, plus one offline/online cycle of the last CPU driven by cpu0.
 * Hotplug is always down-then-up from one mailbox so no command waits on a CPU that stays offline.
 */
import { RESUBMIT_CSD_SLOT } from '../impl/layout.js';
import type { SmpRequest } from '../impl/requests.js';
import { rng } from '../impl/runtime/schedulers.js';

export type Call = readonly [number, SmpRequest];

export function randomCalls(seed: number, cpus: number, count = 10): Call[] {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  const someMask = (): number[] => Array.from({ length: cpus }, (_, i) => i).filter(() => r() < 0.6);
  const calls: Call[] = [];
  const chains = new Set<number>();
  const hotplugAt = r() < 0.7 ? pick(count) : -1;
  for (let k = 0; k < count; k++) {
    if (k === hotplugAt) {
      calls.push([0, { kind: 'cpu_down', cpu: cpus - 1 }]);
      calls.push([0, { kind: 'cpu_up', cpu: cpus - 1 }]);
      continue;
    }
    const cpu = pick(cpus);
    const target = pick(cpus);
    const wait = r() < 0.5;
    const func = r() < 0.3 ? 'fn_slow' : 'fn_ping';
    let req: SmpRequest;
    switch (pick(6)) {
      // the caller's own CSD slot: a resubmission while it is in flight gets -EBUSY (B6)
      // or another CPU's shared async CSD, which any CPU may submit (B6); every other one of
      // these is a pair, so that two submitters race for it
      case 1: {
        // a callback that resubmits its own CSD (one chain per CPU: the chain owns that CSD)
        if (target !== cpu && !chains.has(cpu) && r() < 0.2) {
          chains.add(cpu);
          req = { kind: 'single_async', target, csd: RESUBMIT_CSD_SLOT, func: 'fn_resubmit' };
          break;
        }
        if (r() < 0.5) { req = { kind: 'single_async', target, csd: pick(2), func }; break; }
        req = { kind: 'single_async', target, shared: true, func };
        if (r() < 0.5) calls.push([(cpu + 1) % cpus, req]);
        break;
      }
      // a non-waiting single call: through the destination's csd_data half of the time (the shared
      // destination CSD of B11), else through the caller's own
      // (or a callback that queues the request on the next CPU: fn_forward)
      case 0: req = wait || r() < 0.5 ? { kind: 'single', target, wait, func } : r() < 0.3 && target !== cpu ? { kind: 'single', target, wait, func: 'fn_forward' } : { kind: 'single', target, wait, func, dstCsd: true }; break;
      case 2: req = { kind: 'many', mask: someMask(), wait, func }; break;
      case 3: req = { kind: 'call_function', wait, func }; break;
      case 4: req = { kind: 'on_each_cpu_cond_mask', mask: someMask(), wait, func }; break;
      default: req = { kind: 'any', mask: someMask(), wait, func }; break;
    }
    calls.push([cpu, req]);
  }
  return withIrqWorks(seed, cpus, calls);
}

/**
 * irq_work_queue_on and wakeup calls added to a script from their own random stream (the calls
 * above stay what they were for a seed): two irq_works to another CPU (plain, with
 * fn_irq_work_next, or two CPUs racing for one work), two wakeups of one CPU's tasks on another
 * CPU, and, when the script has its hotplug cycle, one irq_work from cpu0 between its cpu_down
 * and cpu_up to the CPU that is down then (-ENXIO).
 */
function withIrqWorks(seed: number, cpus: number, calls: Call[]): Call[] {
  if (cpus < 2) return calls;
  const r = rng((seed ^ 0x51ed270b) >>> 0);
  const pick = (n: number): number => Math.floor(r() * n);
  const out = [...calls];
  for (let k = 0; k < 2; k++) {
    const cpu = pick(cpus);
    const target = (cpu + 1 + pick(cpus - 1)) % cpus;
    const at = pick(out.length + 1);
    const x = pick(3);
    if (x === 2 && cpus >= 3) {
      const other = [...Array(cpus).keys()].filter((c) => c !== cpu && c !== target)[pick(cpus - 2)] ?? cpu;
      const req: SmpRequest = { kind: 'irq_work', target, owner: cpu };
      out.splice(at, 0, [cpu, req], [other, req]);
    } else out.splice(at, 0, [cpu, x === 1 ? { kind: 'irq_work', target, func: 'fn_irq_work_next' } : { kind: 'irq_work', target }]);
  }
  // two wakeups of one CPU's two tasks on one other CPU (a chain of two TTWU entries, B7 with 3+ CPUs)
  const waker = pick(cpus);
  const woken = (waker + 1 + pick(cpus - 1)) % cpus;
  for (let task = 0; task < 2; task++) out.splice(pick(out.length + 1), 0, [waker, task === 0 && r() < 0.3 ? { kind: 'ttwu', target: woken, task, func: 'fn_ttwu_next' } : { kind: 'ttwu', target: woken, task }]);
  const down = out.findIndex(([c, q]) => c === 0 && q.kind === 'cpu_down');
  if (down >= 0) out.splice(down + 1, 0, [0, { kind: 'irq_work', target: cpus - 1 }]);
  return out;
}
