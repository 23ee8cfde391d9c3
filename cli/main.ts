/**
 * `smpcheck`: one command for the kit. Subcommands are registered by the layers as they land;
 * the process exit codes are 0 (all holds), 1 (an invariant was violated), 2 (usage or input error).
 */
import { Command, CommanderError } from 'commander';
import { register as registerTraceCheck } from './commands/trace-check.js';

export function buildProgram(): Command {
  const program = new Command('smpcheck')
    .description('Verification kit for Linux cross-CPU function calls (kernel/smp.c)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerTraceCheck(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
