/**
 * Runs the CLI as a child process and collects exit code and output.
 *
 * Why a bundle: under `node --import tsx` every start pays for tsx itself (1–2 s on this loaded
 * 2-vCPU machine, against 0.4 s for plain node), and the CLI tests start ~30 processes. So each
 * test process bundles the same sources once with esbuild (what tsx uses to compile them too) and
 * starts plain `node` on the result. `cli/bin.js` itself is still run by the `--help` test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type Entry = 'bin' | 'main' | 'demo';

const SOURCES: Readonly<Record<Exclude<Entry, 'bin'>, string>> = { main: 'cli/main.ts', demo: 'test/support/demo-cli.ts' };
const bundles = new Map<Entry, Promise<string>>();

/** Bundle inside the repo so bare imports (commander, @viz-js/viz) resolve from node_modules. */
function bundle(entry: Exclude<Entry, 'bin'>): Promise<string> {
  let p = bundles.get(entry);
  if (p === undefined) {
    const dir = join(ROOT, 'node_modules', '.cache', 'smpcheck-test', String(process.pid));
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `${entry}.mjs`);
    p = build({ entryPoints: [join(ROOT, SOURCES[entry])], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' }).then(() => outfile);
    bundles.set(entry, p);
  }
  return p;
}

/** Removes this process's bundles; call from `afterAll` (vitest forks end without an 'exit' event). */
export function removeBundles(): void {
  rmSync(join(ROOT, 'node_modules', '.cache', 'smpcheck-test', String(process.pid)), { recursive: true, force: true });
  bundles.clear();
}

export interface RunOptions {
  /** `main` (default): the CLI bundle; `demo`: the CLI plus the demo run command; `bin`: `node cli/bin.js`. */
  readonly entry?: Entry;
  readonly env?: Record<string, string>;
  readonly onStderr?: (chunk: string, child: ChildProcess) => void;
  /** Hang guard (not a timing assertion): SIGKILL after this long, so the result's code is null. */
  readonly killAfterMs?: number;
}

export async function runCli(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  const entry = opts.entry ?? 'main';
  const script = entry === 'bin' ? join(ROOT, 'cli/bin.js') : await bundle(entry);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      // Plain, non-CI environment unless a test says otherwise; never inherit vitest's CI flag.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(d.toString(), child);
    });
    const guard = opts.killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (guard !== null) clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Temporary folders for a CLI test file: returns a maker; every folder it made and the CLI
 * bundles are removed after the file's tests.
 */
export function cliTempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    removeBundles();
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
