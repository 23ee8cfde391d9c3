/**
 * `smpcheck replay <token>`: re-runs exactly one failing property run (seed, fast-check path,
 * commands, CPUs, the variant are all in the token) and prints its counterexample again.
 */
import type { Command } from 'commander';
import { decodeReplayToken, replay, ReplayTokenError } from '../../properties/index.js';
import { builtinVariant } from '../../variants/index.js';
import { UsageError, ViolationError } from '../errors.js';
import { formatCounterexample } from '../output.js';

export function register(program: Command): void {
  program
    .command('replay')
    .description('re-run one failing property run from the token its failure printed')
    .argument('<token>', 'replay token (printed with every property counterexample)')
    .option('--json', 'print the outcome as JSON on stdout and nothing else there', false)
    .action(async (token: string, opts: { json: boolean }) => {
      try {
        decodeReplayToken(token);
      } catch (e) {
        if (e instanceof ReplayTokenError) throw new UsageError(`replay token: ${e.message}`);
        throw e;
      }
      const outcome = await replay(token, builtinVariant);
      if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else if (outcome.counterexample !== null) process.stdout.write(`${formatCounterexample(outcome.counterexample)}\n`);
      else process.stdout.write(`${outcome.id}: the replayed run holds (not reproduced)\n`);
      if (outcome.failed) throw new ViolationError(`${outcome.id} reproduced`);
    });
}
