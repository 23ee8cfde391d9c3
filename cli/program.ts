/**
 * The `smpcheck` program and its top-level error handling, separate from `main.ts` so tests and the
 * lead's wiring can build the same program and add commands. Exit codes: 0 all holds, 1 an
 * invariant was violated, 2 usage or input error, 130 interrupted with no violation found.
 */
import { Command } from 'commander';
import { register as registerCheck } from './commands/check.js';
import { register as registerAudit } from './commands/audit.js';
import { register as registerCoverage } from './commands/coverage.js';
import { register as registerExplore } from './commands/explore.js';
import { register as registerLitmus } from './commands/litmus.js';
import { register as registerMerge } from './commands/merge.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerStress } from './commands/stress.js';
import { register as registerTraceCheck } from './commands/trace-check.js';
import { register as registerTraceExport } from './commands/trace-export.js';
import { register as registerTraceRecord } from './commands/trace-record.js';
import { register as registerVerify } from './commands/verify.js';
import { register as registerCompletion } from './commands/completion.js';
import pkg from '../package.json' with { type: 'json' };
import { asCliError, exitCodeFor, formatError, UsageError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('smpcheck')
    .description('Verification kit for Linux cross-CPU function calls (kernel/smp.c)')
    .version(pkg.version, '-V, --version', 'print the smpcheck version')
    .exitOverride()
    .showSuggestionAfterError(true)
    // Commander's own messages ("error: unknown option '--x'") get the same prefix as ours.
    .configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, 'smpcheck: ')) });
  registerCheck(program);
  registerAudit(program);
  registerCoverage(program);
  registerExplore(program);
  registerLitmus(program);
  registerMerge(program);
  registerReplay(program);
  registerStress(program);
  registerTraceCheck(program);
  registerTraceExport(program);
  registerTraceRecord(program);
  registerVerify(program);
  registerCompletion(program);
  return program;
}

/** Parses and runs; returns the exit code instead of exiting, so output can flush. */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  // Subcommands inherit exitOverride and output settings only if they were set before the
  // subcommand was added, so apply both to every command (nested ones too: `trace check`) now
  // that all are registered. Without exitOverride commander would exit(1) on a bad option.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, 'smpcheck: ')) });
    c.commands.forEach(configure);
  };
  configure(program);
  // `help UNKNOWN`: commander would print the top-level help and exit 0 as if it were known.
  const [first, second] = argv;
  if (first === 'help' && second !== undefined && !program.commands.some((c) => c.name() === second || c.aliases().includes(second))) {
    process.stderr.write(`smpcheck: help ${second}: unknown command (commands: ${program.commands.map((c) => c.name()).join(', ')})\n`);
    return exitCodeFor(new UsageError(''));
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (raw) {
    const e = asCliError(raw);
    const line = formatError(e, process.env.SMPCHECK_DEBUG === '1');
    if (line !== null) process.stderr.write(`${line}\n`);
    return exitCodeFor(e);
  }
}
