/**
 * Spawning a worker whose entry is a .ts file (toolchain notes §3): on Node 20 `--import tsx` does
 * not reach worker threads, so the worker runs an eval bootstrap that registers tsx's ESM loader
 * and then imports the entry. From a build (.js) the entry is spawned directly.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function spawnWorker(entry: URL, opts: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, opts);
  const tsxApi = import.meta.resolve('tsx/esm/api'); // the ESM entry; import() of tsx's CJS entry fails here
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}

/** Sibling module URL with the caller's extension: `.ts` from source, `.js` from a build. */
export function siblingUrl(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
