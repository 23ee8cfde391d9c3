/**
 * Reports are read by CI and by people while a run may still be going: a file that exists must be
 * complete. So every write goes to a temporary name in the same directory (same file system, so
 * the rename is atomic) and is renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDir } from './ensure-dir.js';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      // Flush before the rename: otherwise a crash can leave the new name pointing at an empty file.
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
