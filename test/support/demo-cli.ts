/**
 * The real `smpcheck` program plus one `demo` run command built with `defineRunCommand`, whose
 * work is seeded random walks over the toy charts. It exercises the whole run pipeline (options,
 * shards, progress, Ctrl-C, reports, exit codes) the way verify/check will once the model lands.
 * `--bug` makes the toy invariant fail on a run whose seed is divisible by 7.
 */
import { statechartStructure } from '../../model/graph.js';
import type { Counterexample, InvariantResult } from '../../model/types.js';
import { buildProgram, runProgram } from '../../cli/program.js';
import { defineRunCommand } from '../../cli/run-command.js';
import { csdToy, hotplugToy } from './fixtures.js';
import { VisitCounter } from './walk.js';

const SENTENCE = 'no request runs its func twice';

const demo = defineRunCommand({
  name: 'demo',
  description: 'random walks over the toy charts (test fixture)',
  configure: (cmd) => cmd.option('--bug', 'inject a violation', false).option('--slow', 'sleep 20 ms per run', false),
  async run(ctx, extra) {
    const csd = new VisitCounter(csdToy, ['CSD_LOCK', 'QUEUE', 'RUN', 'CSD_UNLOCK', 'EBUSY']);
    const hp = new VisitCounter(hotplugToy, ['PREPARE', 'ONLINE', 'CPU_DYING', 'DEAD']);
    const counterexamples: Counterexample[] = [];
    let done = 0;
    for (const r of ctx.runs) {
      if (ctx.signal.aborted) break;
      csd.walk(r.seed, 4 * ctx.options.cpus);
      hp.walk(r.seed, 3);
      if (extra.bug === true && r.seed % 7 === 0) {
        counterexamples.push({
          invariant: 'INV-NO-DOUBLE-RUN',
          sentence: SENTENCE,
          message: `run ${r.k} ran func twice on cpu0`,
          steps: ['cpu0 CSD_LOCK', 'cpu0 RUN', 'cpu0 RUN'],
          timeline: [{ step: 1, cpu: 0, lane: 'entry', text: 'csd_function_entry' }, { step: 2, cpu: 0, lane: 'entry', text: 'csd_function_entry' }],
          replay: `npx smpcheck demo --seed ${ctx.options.seed} --runs ${ctx.options.runs} --bug # run ${r.k}`,
        });
      }
      done++;
      ctx.progress.tick();
      if (extra.slow === true) await new Promise((res) => setTimeout(res, 20));
    }
    const invariants: InvariantResult[] = [
      { id: 'INV-NO-DOUBLE-RUN', sentence: SENTENCE, status: counterexamples.length > 0 ? 'fail' : 'pass', checks: done },
    ];
    const csdCov = csd.coverage();
    const hpCov = hp.coverage();
    return {
      charts: [
        { name: 'CSD lifecycle', structure: statechartStructure(csdToy), coverage: csdCov },
        { name: 'CPU hotplug', structure: statechartStructure(hotplugToy), coverage: hpCov },
      ],
      coverage: { schema: 'smpcheck.coverage/1', sources: ['demo'], components: [csdCov, hpCov] },
      invariants,
      counterexamples,
      completedRuns: done,
    };
  },
});

const program = buildProgram();
demo(program);
// A nested command like `trace check`, to test that it gets the same error handling.
program.command('nested').description('nested command group (test fixture)').command('probe').action(() => undefined);
process.exitCode = await runProgram(program, process.argv.slice(2));
