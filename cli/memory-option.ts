/**
 * `--memory sc|tso|lkmm` of the run commands (check, audit): the memory model of the protocol's
 * accesses on the deterministic runtime (impl/memory-models/runtime-memory.ts). Real threads are
 * JS Atomics, so `--runtime threads` takes sc only: anything else is refused before the start line.
 */
import { Option } from 'commander';
import { MEMORY_MODELS, type MemoryModel } from '../impl/memory-models/runtime-memory.js';
import { UsageError } from './errors.js';

export function memoryOption(): Option {
  return new Option('--memory <model>', 'memory model of the deterministic runtime: sc, tso or lkmm').default('sc');
}

/** The validated `--memory` of `raw` (commander's parsed options). */
export function parseMemoryOption(raw: Record<string, unknown>): MemoryModel {
  const text = typeof raw.memory === 'string' ? raw.memory : 'sc';
  const m = MEMORY_MODELS.find((x) => x === text);
  if (m === undefined) throw new UsageError(`--memory ${text}: must be one of ${MEMORY_MODELS.join(', ')}`);
  if (m !== 'sc' && raw.runtime === 'threads') throw new UsageError(`--memory ${m}: needs --runtime deterministic (real threads are JS Atomics: sc only)`);
  return m;
}
