// Explorer speed. As a script: states/s for 2, 3 and 4 CPUs on the sizing workload (N CPUs x 2
// requests x 1 hotplug cycle), sequential, then the parallel speed-up. Run outside vitest (which
// loads xstate's slower dev build):
//   node --import tsx bench/model.ts            (4 CPUs is bounded by MAX_STATES4, default 600000; the speed-up run by EXPLORE_STATES4, default 1500000)
//   STEPPER=xstate node --import tsx bench/model.ts   (machine.transition with a reused scope)
// `npm run bench` takes `exploreBench()` from here for bench.json.
import { explore } from '../model/explorer.js';
import { exploreParallel } from '../model/parallel-explorer.js';

const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

export interface ExploreBench {
  /** Sequential explorer, stress at 3 CPUs exhaustively (128482 states): states per CPU-second of this process. */
  readonly statesPerSecPerCore: number;
  /** The same run, states per wall-clock second. */
  readonly statesPerSecWall: number;
  /** Wall time sequential ÷ wall time with `workers` worker threads, stress at 4 CPUs, first `states` states each. */
  readonly parallelSpeedup: number;
  readonly workers: number;
  readonly states: number;
  /** CPU-seconds of the parallel run ÷ the sequential one (1 = no parallel overhead). */
  readonly parallelCpuRatio: number;
}

export async function exploreBench(workers = 2, states = Number(process.env.EXPLORE_STATES4 ?? 1_500_000)): Promise<ExploreBench> {
  explore({ cpus: 2, workload: 'stress', coverage: false }); // warm-up
  let u0 = process.cpuUsage();
  const s3 = explore({ cpus: 3, workload: 'stress', coverage: false });
  const c3 = cpuSeconds(process.cpuUsage(u0));
  u0 = process.cpuUsage();
  const a = explore({ cpus: 4, workload: 'stress', coverage: false, maxStates: states });
  const ca = cpuSeconds(process.cpuUsage(u0));
  u0 = process.cpuUsage();
  const b = await exploreParallel({ cpus: 4, workload: 'stress', coverage: false, maxStates: states, workers });
  const cb = cpuSeconds(process.cpuUsage(u0));
  return {
    statesPerSecPerCore: s3.states / c3, statesPerSecWall: s3.statesPerSecond,
    parallelSpeedup: a.elapsedMs / b.elapsedMs, workers: b.workers, states, parallelCpuRatio: cb / ca,
  };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const stepper = process.env['STEPPER'] === 'xstate' ? 'xstate' : 'fast';
  for (const n of [2, 3, 4]) {
    const max = n >= 4 ? Number(process.env['MAX_STATES4'] ?? 600_000) : 3_000_000;
    const r = explore({ cpus: n, workload: 'stress', maxStates: max, coverage: false, stepper });
    process.stdout.write(
      `stepper=${stepper} cpus=${n} workload=stress states=${r.states} transitions=${r.transitions} depth=${r.depth} ` +
        `elapsed=${Math.round(r.elapsedMs)}ms states/s=${r.statesPerSecond} complete=${r.complete} violations=${r.violations.length}\n`,
    );
  }
  const b = await exploreBench();
  process.stdout.write(`per core ${Math.round(b.statesPerSecPerCore)} states/CPU-s; parallel speed-up ${b.parallelSpeedup.toFixed(2)} with ${b.workers} workers (CPU ratio ${b.parallelCpuRatio.toFixed(2)})\n`);
}
