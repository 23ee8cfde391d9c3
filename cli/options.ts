/**
 * Parsers for the options every run command shares. Each throws a UsageError whose one-line
 * message starts with the option and the value given, so `--cpus 99` explains itself.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ensureDir } from '../report/ensure-dir.js';
import { UsageError, InputError } from './errors.js';
import { parseShard, type Shard } from './shard.js';
import { BUILTIN_VARIANTS, findBuiltin, loadVariantFile, variantCliArg, VariantError, type Variant } from '../variants/index.js';

/**
 * CPU counts every command accepts: the model (`compileWorkload`), the property suite, the runtimes
 * and the stress need a second CPU to call, and 8 is the largest explored (the state space grows
 * about 10× per CPU, see the toolchain notes). The help text of `--cpus` is built from these.
 */
export const MIN_CPUS = 2;
export const MAX_CPUS = 8;
export const CPUS_RANGE = `${MIN_CPUS}-${MAX_CPUS}`;
export const RUNTIMES = ['deterministic', 'threads'] as const;
export type Runtime = (typeof RUNTIMES)[number];

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} ${text}: must be an integer from ${min} to ${max}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${text}: must be an integer from ${min} to ${max}`);
  return n;
}

export const parseCpus = (text: string): number => integer('--cpus', text, MIN_CPUS, MAX_CPUS);
export const parseSeed = (text: string): number => integer('--seed', text, 0, 0xffff_ffff);
export const parseRuns = (text: string): number => integer('--runs', text, 1, 10_000_000);

export function parseRuntime(text: string): Runtime {
  const r = RUNTIMES.find((x) => x === text);
  if (r === undefined) throw new UsageError(`--runtime ${text}: must be one of ${RUNTIMES.join(', ')}`);
  return r;
}

export interface CommonOptions {
  readonly cpus: number;
  readonly seed: number;
  readonly runs: number;
  readonly runtime: Runtime;
  readonly shard: Shard | undefined;
  readonly out: string;
  readonly json: boolean;
}

export interface CommonDefaults {
  readonly cpus?: number;
  readonly seed?: number;
  readonly runs?: number;
  readonly runtime?: Runtime;
}

/** `verify`'s folder; every other command writes `reports/<command>/` (see `defaultOut`). */
export const DEFAULT_OUT = 'reports';

/** Where a command writes when `--out` is not given: `verify` the top folder, the others their own. */
export const defaultOut = (command: string): string => (command === 'verify' ? DEFAULT_OUT : `${DEFAULT_OUT}/${command}`);

/** `--out DIR` and `--json`: every command that writes reports. */
export function addOutputOptions(cmd: Command, out: string = defaultOut(cmd.name())): Command {
  return cmd
    .option('--out <dir>', 'folder for the reports', out)
    .option('--json', 'print the machine-readable result on stdout and nothing else there', false);
}

export const RUN_OPTIONS = ['cpus', 'seed', 'runs', 'runtime', 'shard'] as const;
export type RunOptionName = (typeof RUN_OPTIONS)[number];

/**
 * The run options a command uses, of `--cpus --seed --runs --runtime --shard`, plus the output
 * options. Only those: an option a command would ignore is not registered, so commander rejects
 * it ("unknown option") instead of silently running something else than was asked.
 */
export function addRunOptions(cmd: Command, d: CommonDefaults = {}, use: readonly RunOptionName[] = RUN_OPTIONS): Command {
  const all: Record<RunOptionName, Option> = {
    cpus: new Option('--cpus <n>', `number of simulated CPUs (${CPUS_RANGE})`).argParser(parseCpus).default(d.cpus ?? 3),
    seed: new Option('--seed <n>', 'base seed (0-4294967295); run k uses a seed derived from it and k').argParser(parseSeed).default(d.seed ?? 42),
    runs: new Option('--runs <n>', 'number of runs in the whole seed space (all shards together)').argParser(parseRuns).default(d.runs ?? 100),
    runtime: new Option('--runtime <name>', 'implementation runtime').choices(RUNTIMES).default(d.runtime ?? 'deterministic'),
    shard: new Option('--shard <i/n>', 'run only shard i of n of the seed space (like vitest --shard)').argParser(parseShard),
  };
  for (const k of RUN_OPTIONS) if (use.includes(k)) cmd.addOption(all[k]);
  addVariantOption(cmd);
  return addOutputOptions(cmd);
}

/** Reads the parsed values back with their types (commander's opts() is untyped). */
export function commonOptions(opts: Record<string, unknown>): CommonOptions {
  const num = (k: string, dflt: number): number => (typeof opts[k] === 'number' ? opts[k] : dflt);
  // Options a command does not register keep these values; it does not read them.
  const shard = opts.shard;
  return {
    cpus: num('cpus', 3),
    seed: num('seed', 42),
    runs: num('runs', 100),
    runtime: typeof opts.runtime === 'string' ? parseRuntime(opts.runtime) : 'deterministic',
    shard: typeof shard === 'object' && shard !== null ? (shard as Shard) : undefined,
    out: typeof opts.out === 'string' ? opts.out : DEFAULT_OUT,
    json: opts.json === true,
  };
}

/**
 * Makes sure `--out` can be written before any work starts: a run that finds a bug and then cannot
 * write it down is the worst outcome. Creates the folder if needed.
 */
export async function prepareOutDir(out: string): Promise<string> {
  if (out.trim() === '') throw new UsageError("--out '': needs a folder name (use --out . for the current folder)");
  const dir = resolve(out);
  try {
    await ensureDir(dir);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'error';
    const why = code === 'ENOTDIR' ? 'a parent is not a folder' : code === 'EEXIST' ? 'it exists and is not a folder' : code === 'EACCES' || code === 'EROFS' || code === 'EPERM' ? 'not writable' : code === 'ENOENT' ? 'this file system does not allow it' : code;
    throw new InputError(`--out ${out}: cannot create the folder (${why})`);
  }
  return dir;
}

/** `--variant FILE.ts`: a variant module (variants/format.ts). Added to every run command and to stress. */
export function addVariantOption(cmd: Command): Command {
  return cmd.addOption(new Option('--variant <file>', 'run a variant of smp.c: a TypeScript module that replaces named kernel functions and model rules (README: "Your own variant")'));
}

export interface SelectedVariant {
  readonly variant: Variant;
  /** how a replay line selects it again */
  readonly arg: string;
}

/**
 * The variant a command runs: `--variant FILE` or `--fault ID` (a built-in variant, former ids
 * accepted), at most one of them; undefined for smp.c itself. Errors are one line naming the input.
 */
export async function selectedVariant(raw: Record<string, unknown>): Promise<SelectedVariant | undefined> {
  const file = typeof raw.variant === 'string' ? raw.variant : undefined;
  const fault = typeof raw.fault === 'string' ? raw.fault : Array.isArray(raw.fault) && typeof raw.fault[0] === 'string' ? raw.fault.join(',') : undefined;
  if (file !== undefined && fault !== undefined) throw new UsageError(`--variant ${file} --fault ${fault}: give one of them`);
  try {
    if (file !== undefined) {
      if (file.trim() === '') throw new UsageError('--variant: needs a file');
      const v = { ...(await loadVariantFile(file)), file };
      return { variant: v, arg: variantCliArg(v, file) };
    }
    if (fault !== undefined && fault !== '') {
      if (fault.includes(',')) throw new UsageError(`--fault ${fault}: one fault per run (each is a variant; write a variant file to combine changes)`);
      const v = findBuiltin(fault);
      if (v === null) throw new UsageError(`--fault ${fault}: unknown fault (known: ${BUILTIN_VARIANTS.map((x) => x.id).join(', ')})`);
      return { variant: v, arg: variantCliArg(v) };
    }
  } catch (e) {
    if (e instanceof VariantError) throw new InputError(e.message);
    throw e;
  }
  return undefined;
}
