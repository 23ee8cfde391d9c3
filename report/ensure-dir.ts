/**
 * `mkdir -p` that always terminates. Node's `mkdir(path, { recursive: true })` never returns for a
 * path under `/proc` (mkdir there fails with ENOENT although the parent exists, and Node keeps
 * retrying the parent), so the folder is created one component at a time from the deepest
 * existing ancestor, and the first failure is thrown with its errno code.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Throws a Node errno error (`code` ENOTDIR, EEXIST, EACCES, EROFS, ENOENT, …) if it cannot. */
export async function ensureDir(path: string): Promise<string> {
  const dir = resolve(path);
  const missing: string[] = [];
  for (let p = dir; ; p = dirname(p)) {
    try {
      const s = await stat(p);
      if (!s.isDirectory()) throw Object.assign(new Error(`${p}: not a folder`), { code: p === dir ? 'EEXIST' : 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw e;
      missing.push(p);
    }
  }
  for (const p of missing.reverse()) {
    try {
      await mkdir(p);
    } catch (e) {
      // Another process made it in between: fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(p)).isDirectory()) throw e;
    }
  }
  return dir;
}
