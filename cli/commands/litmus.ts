/**
 * `smpcheck litmus FILE.litmus… [--memory sc|tso|lkmm] [--json]`: herd7's verdict on kernel C
 * litmus tests (litmus/README.md). Exit 0 with a verdict for every file; 2 at once, before any
 * verdict, if a file is missing, malformed or uses a construct the checker does not model.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { LitmusTest } from '../../litmus/ast.js';
import { checkLitmus, formatResult, type LitmusResult } from '../../litmus/check.js';
import { LitmusInputError } from '../../litmus/errors.js';
import type { MemoryModelName } from '../../litmus/models/base.js';
import { parseLitmus } from '../../litmus/parse.js';
import { InputError, UsageError } from '../errors.js';

const MEMORY_MODELS: readonly MemoryModelName[] = ['sc', 'tso', 'lkmm'];

export function parseMemoryModel(text: string): MemoryModelName {
  const m = MEMORY_MODELS.find((x) => x === text);
  if (m === undefined) throw new UsageError(`--memory ${text}: must be one of ${MEMORY_MODELS.join(', ')}`);
  return m;
}

async function load(file: string): Promise<LitmusTest> {
  let src: string;
  try {
    src = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${file}: cannot read (${code})`);
  }
  try {
    return parseLitmus(src, file);
  } catch (e) {
    if (e instanceof LitmusInputError) throw new InputError(e.message);
    throw e;
  }
}

export function resultJson(r: LitmusResult): object {
  return { name: r.name, memory: r.model, verdict: r.observation, ok: r.ok, positive: r.positive, negative: r.negative, condition: r.condition, states: r.states };
}

export function register(program: Command): void {
  program
    .command('litmus')
    .description('herd7-style verdict on kernel C litmus tests under --memory sc|tso|lkmm')
    .argument('<files...>', 'litmus files (the kernel tools/memory-model/litmus-tests format)')
    .option('--memory <model>', 'memory model: sc, tso or lkmm', 'lkmm')
    .option('--json', 'print {name, verdict, positive, negative, states} (an array for several files)', false)
    .action(async (files: string[], opts: { memory: string; json: boolean }) => {
      const model = parseMemoryModel(opts.memory);
      const tests: LitmusTest[] = [];
      for (const f of files) tests.push(await load(f));
      const results: LitmusResult[] = [];
      for (const t of tests) {
        try {
          results.push(checkLitmus(t, model));
        } catch (e) {
          if (e instanceof LitmusInputError) throw new InputError(e.message);
          throw e;
        }
      }
      if (opts.json) {
        const out = results.map(resultJson);
        process.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
      } else process.stdout.write(results.map(formatResult).join('\n'));
    });
}
