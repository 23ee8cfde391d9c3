/**
 * A user workload (`--workload FILE` on explore and check): CPU2 queues an async call on CPU1,
 * CPU0 makes a waiting many-call to CPU1 that may find CPU1's queue non-empty (no IPI of its own).
 * The situation of B9 and of examples/variants/wait-on-ipi-mask.ts.
 *
 *   npx smpcheck explore --workload examples/workloads/many-behind-async.ts --cpus 3
 *   npx smpcheck check --workload examples/workloads/many-behind-async.ts --cpus 3
 */
import type { Workload } from '../../variants/api.js';

const workload: Workload = {
  name: 'many-behind-async',
  description: 'cpu2: single_async → cpu1; cpu0: many({1}, wait) behind it',
  scripts: [
    [{ kind: 'many', mask: [1], wait: true }],
    [],
    [{ kind: 'single_async', target: 1, csd: 'a' }],
  ],
  minCpus: 3,
};

export default workload;
