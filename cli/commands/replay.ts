/**
 * `smpcheck replay <token>`: re-runs exactly one failing property run (seed, fast-check path,
 * commands, CPUs, the variant are all in the token) and prints its counterexample again.
 */
import type { Command } from 'commander';
import { decodeReplayToken, replay, ReplayTokenError } from '../../properties/index.js';
import { findBuiltin, VariantError } from '../../variants/index.js';
import { InputError, UsageError, ViolationError } from '../errors.js';
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
      let outcome;
      try {
        outcome = await replay(token, findBuiltin);
      } catch (e) {
        if (e instanceof ReplayTokenError || e instanceof VariantError) throw new InputError(e.message);
        if (e instanceof Error && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${e.message} ${String((e as { code?: unknown }).code)}`)) {
          throw new InputError(`replay token: its variant module cannot be imported (${e.message.split('\n')[0] ?? ''})`);
        }
        throw e;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else if (outcome.counterexample !== null) process.stdout.write(`${formatCounterexample(outcome.counterexample)}\n`);
      else process.stdout.write(`${outcome.id}: the replayed run holds (not reproduced)\n`);
      if (outcome.failed) throw new ViolationError(`${outcome.id} reproduced`);
    });
}
