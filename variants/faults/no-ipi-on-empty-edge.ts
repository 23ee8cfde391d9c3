/**
 * no IPI on the empty-to-non-empty edge (implementation and model).
 */
import { defineVariant, type Proto } from '../api.js';

// The producer that made the queue non-empty does not send the IPI (both send paths).
function* noIpi(): Proto {
  // broken: no IPI, no polling shortcut
}

export default defineVariant(import.meta.url, {
  id: 'no-ipi-on-empty-edge',
  title: 'no IPI on the empty-to-non-empty edge',
  story: 'CPU0 llist_adds to CPU1\'s empty queue and, being the producer that made it non-empty, must send the IPI; it does not. CPU1 is halted in idle (or busy with interrupts on and nothing to flush) and never looks at the queue: the entry sits there, a waiting CPU0 spins forever.',
  origin: 'classic (lost wake-up)',
  formerly: ['no-kick-on-empty'],
  breaks: ['INV-KICK', 'INV-IPI-OR-POLL', 'INV-NO-LOST-CALL', 'INV-NO-DEADLOCK', 'DET-FIFO'],
  impl: { send_call_function_single_ipi: noIpi, send_call_function_ipi_mask: noIpi },
  model: {
    semantics: { kickOnEmpty: false },
    actions: ['kickSingle', 'noteIpi'],
    workload: 'single-wait',
    cpus: 3,
    breaks: ['INV-KICK', 'INV-IPI-OR-POLL', 'INV-NO-DEADLOCK'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct', 'threads', 'detector'] },
});
