// States/s of the explorer for 2, 3 and 4 CPUs (run outside vitest: node --import tsx bench/model.ts).
import { explore } from '../model/explorer.js';
import type { Workload } from '../model/workload.js';

function stress(n: number): Workload {
  // every CPU: a synchronous single call to its neighbour, then an async many-call to all; cpu1 hotplugs once
  const scripts = Array.from({ length: n }, (_, c) => [
    { kind: 'single' as const, target: (c + 1) % n, wait: true },
    { kind: 'many' as const, mask: 'all' as const, wait: false },
  ]);
  return { name: `stress-${n}`, description: 'N CPUs x 2 requests x 1 hotplug cycle', scripts, hotplug: [{ cpu: 1, cycles: 1 }] };
}

for (const n of [2, 3, 4]) {
  const max = Number(process.env['MAX_STATES'] ?? (n >= 4 ? 150_000 : 3_000_000));
  const r = explore({ cpus: n, workload: stress(n), maxStates: max, coverage: false });
  process.stdout.write(
    `cpus=${n} workload=stress-${n} states=${r.states} transitions=${r.transitions} depth=${r.depth} ` +
      `elapsed=${Math.round(r.elapsedMs)}ms states/s=${r.statesPerSecond} complete=${r.complete} violations=${r.violations.length}\n`,
  );
}
