/**
 * `--workload FILE`: a user's model workload(s) from a module (default export: one `Workload` or a
 * list; .ts/.js) or a JSON file (the same shape without `generate`). Checked by compiling it for
 * its smallest CPU count; every error is one line naming the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileWorkload, type Workload } from '../model/workload.js';
import { InputError } from './errors.js';

function checkOne(file: string, w: unknown, i: number): Workload {
  const where = `--workload ${file}${i > 0 ? ` (#${i + 1})` : ''}`;
  if (typeof w !== 'object' || w === null) throw new InputError(`${where}: a workload must be an object`);
  const o = w as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') throw new InputError(`${where}: needs a name`);
  if (typeof o.description !== 'string') throw new InputError(`${where}: needs a description`);
  if (!Array.isArray(o.scripts) || !o.scripts.every((s) => Array.isArray(s))) throw new InputError(`${where}: scripts must be a list of per-CPU lists of requests`);
  const wl = w as Workload;
  const n = Math.max(2, wl.minCpus ?? 2, wl.scripts.length, 1 + Math.max(0, ...(wl.hotplug ?? []).map((h) => h.cpu)));
  try {
    compileWorkload(wl, n);
  } catch (e) {
    throw new InputError(`${where}: ${e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e)}`);
  }
  return wl;
}

export async function loadWorkloadFile(file: string): Promise<Workload[]> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new InputError(`--workload ${file}: no such file`);
  let raw: unknown;
  try {
    if (abs.endsWith('.json')) raw = JSON.parse(readFileSync(abs, 'utf8'));
    else {
      const mod: unknown = await import(pathToFileURL(abs).href);
      raw = typeof mod === 'object' && mod !== null && 'default' in mod ? (mod).default : undefined;
    }
  } catch (e) {
    throw new InputError(`--workload ${file}: cannot read it (${e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e)})`);
  }
  if (raw === undefined) throw new InputError(`--workload ${file}: no default export (a Workload or a list of them)`);
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new InputError(`--workload ${file}: holds no workload`);
  return list.map((w, i) => checkOne(file, w, i));
}
