/**
 * `smpcheck trace export`: run one seeded command sequence of the property suite on the
 * deterministic runtime and write its trace as ftrace text (what `trace check` and kernel tools
 * read) or as Chrome/Perfetto JSON (ui.perfetto.dev, chrome://tracing).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import fc from 'fast-check';
import { exportFtrace, exportPerfetto, readTrace } from '../../impl/trace-export.js';
import { executeCommands } from '../../properties/property.js';
import { smpCommands } from '../../properties/commands/index.js';
import { writeFileAtomic } from '../../report/atomic-write.js';
import { InputError } from '../errors.js';
import { CPUS_RANGE, parseCpus, parseSeed } from '../options.js';
import { builtinVariant, VariantError, type Variant } from '../../variants/index.js';

interface ExportFlags {
  readonly cpus: number;
  readonly seed: number;
  readonly format: 'ftrace' | 'perfetto';
  readonly fault?: string;
  readonly output?: string;
}

export function exportTrace(flags: ExportFlags): { text: string; events: number; commands: readonly string[] } {
  let variant: Variant | undefined;
  try {
    variant = flags.fault === undefined ? undefined : builtinVariant(flags.fault);
  } catch (e) {
    if (e instanceof VariantError) throw new InputError(`--fault ${flags.fault ?? ''}: ${e.message}`);
    throw e;
  }
  const [cmds] = fc.sample(smpCommands({ cpus: flags.cpus }), { seed: flags.seed, numRuns: 1 });
  if (cmds === undefined) throw new InputError(`--seed ${flags.seed}: no command sequence`);
  const { real, ran } = executeCommands({ cpus: flags.cpus, variant }, cmds, flags.seed & 0xffff);
  const events = readTrace(real.sys.mem);
  const text = flags.format === 'ftrace' ? exportFtrace(events, flags.cpus) : `${JSON.stringify(exportPerfetto(events))}\n`;
  return { text, events: events.length, commands: ran };
}

export function register(program: Command): void {
  const trace = program.commands.find((c) => c.name() === 'trace') ?? program.command('trace').description('Work with kernel ftrace traces');
  trace
    .command('export')
    .description('run a seeded command sequence on the deterministic runtime and export its trace (ftrace text or Perfetto JSON)')
    .addOption(new Option('--cpus <n>', `number of simulated CPUs (${CPUS_RANGE})`).argParser(parseCpus).default(3))
    .addOption(new Option('--seed <n>', 'seed of the command sequence and schedule').argParser(parseSeed).default(42))
    .addOption(new Option('--format <f>', 'output format').choices(['ftrace', 'perfetto']).default('ftrace'))
    .addOption(new Option('--fault <id>', 'run a built-in variant: a catalogued fault (audit/README.md)'))
    .addOption(new Option('-o, --output <file>', 'write to this file (atomically) instead of stdout'))
    .action(async (flags: ExportFlags) => {
      const r = exportTrace(flags);
      if (flags.output === undefined) {
        process.stdout.write(r.text);
        return;
      }
      try {
        await writeFileAtomic(flags.output, r.text);
      } catch (e) {
        const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'error';
        throw new InputError(`--output ${flags.output}: cannot write (${code})`);
      }
      process.stderr.write(`${r.events} events from ${r.commands.length} commands written to ${flags.output}\n`);
    });
}
