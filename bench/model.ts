// States/s of the explorer for 2, 3 and 4 CPUs on the sizing workload (N CPUs x 2 requests x 1
// hotplug cycle). Run outside vitest (which loads xstate's slower dev build):
//   node --import tsx bench/model.ts            (4 CPUs is bounded by MAX_STATES4, default 150000)
//   STEPPER=xstate node --import tsx bench/model.ts   (machine.transition with a reused scope)
import { explore } from '../model/explorer.js';

const stepper = process.env['STEPPER'] === 'xstate' ? 'xstate' : 'fast';
for (const n of [2, 3, 4]) {
  const max = n >= 4 ? Number(process.env['MAX_STATES4'] ?? 150_000) : 3_000_000;
  const r = explore({ cpus: n, workload: 'stress', maxStates: max, coverage: false, stepper });
  process.stdout.write(
    `stepper=${stepper} cpus=${n} workload=stress states=${r.states} transitions=${r.transitions} depth=${r.depth} ` +
      `elapsed=${Math.round(r.elapsedMs)}ms states/s=${r.statesPerSecond} complete=${r.complete} violations=${r.violations.length}\n`,
  );
}
