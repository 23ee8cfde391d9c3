/** The host's (test or CLI thread) way to make a CPU notice a mailbox post or a gate change. */
import { C_WAKE, type Layout, type Shared } from './layout.js';

export function kickHost(m: Shared, L: Layout, cpu: number): void {
  const w = L.cpu(cpu, C_WAKE);
  Atomics.add(m, w, 1);
  Atomics.notify(m, w);
}
