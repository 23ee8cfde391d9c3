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
import { rewriteProblem } from '../../litmus/primitives.js';
import { selectedVariant, type SelectedVariant } from '../options.js';
import { InputError, UsageError } from '../errors.js';

const MEMORY_MODELS: readonly MemoryModelName[] = ['sc', 'tso', 'lkmm'];

export function parseMemoryModel(text: string): MemoryModelName {
  const m = MEMORY_MODELS.find((x) => x === text);
  if (m === undefined) throw new UsageError(`--memory ${text}: must be one of ${MEMORY_MODELS.join(', ')}`);
  return m;
}

async function load(file: string, rewrite: ReadonlyMap<string, string>): Promise<LitmusTest> {
  let src: string;
  try {
    src = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${file}: cannot read (${code})`);
  }
  try {
    return parseLitmus(src, file, rewrite);
  } catch (e) {
    if (e instanceof LitmusInputError) throw new InputError(e.message);
    throw e;
  }
}

/** The variant's primitive rewrites, checked; one line naming the variant if it has none or a bad one. */
export function variantRewrite(v: SelectedVariant | undefined): ReadonlyMap<string, string> {
  if (v === undefined) return new Map();
  const entries = Object.entries(v.variant.litmus);
  if (entries.length === 0) throw new InputError(`${v.arg}: the variant rewrites no primitive (no 'litmus' part), so litmus has nothing to check; run 'smpcheck check ${v.arg}' for the implementation`);
  for (const [from, to] of entries) {
    const why = rewriteProblem(from, to);
    if (why !== null) throw new InputError(`${v.arg}: litmus rewrite ${from} → ${to}: ${why}`);
  }
  return new Map(entries);
}

export function resultJson(r: LitmusResult, variant?: SelectedVariant): object {
  return { name: r.name, ...(variant === undefined ? {} : { variant: variant.variant.id, rewrite: variant.variant.litmus }), memory: r.model, verdict: r.observation, ok: r.ok, positive: r.positive, negative: r.negative, condition: r.condition, states: r.states };
}

export function register(program: Command): void {
  program
    .command('litmus')
    .description('herd7-style verdict on kernel C litmus tests under --memory sc|tso|lkmm')
    .argument('<files...>', 'litmus files (the kernel tools/memory-model/litmus-tests format)')
    .option('--memory <model>', 'memory model: sc, tso or lkmm', 'lkmm')
    .option('--json', 'print {name, verdict, positive, negative, states} (an array for several files)', false)
    .option('--variant <file>', "check the tests as a variant's 'litmus' rewrites them (e.g. smp_store_release as WRITE_ONCE)")
    .option('--fault <id>', "the same with a built-in variant's rewrites")
    .action(async (files: string[], opts: { memory: string; json: boolean; variant?: string; fault?: string }) => {
      const model = parseMemoryModel(opts.memory);
      const variant = await selectedVariant(opts);
      const rewrite = variantRewrite(variant);
      const tests: LitmusTest[] = [];
      for (const f of files) tests.push(await load(f, rewrite));
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
        const out = results.map((r) => resultJson(r, variant));
        process.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
      } else {
        if (variant !== undefined) process.stdout.write(`Variant ${variant.variant.id}: ${[...rewrite].map(([a, b]) => `${a} as ${b}`).join(', ')}\n`);
        process.stdout.write(results.map(formatResult).join('\n'));
      }
    });
}
