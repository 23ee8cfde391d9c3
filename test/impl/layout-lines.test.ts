// The per-CPU block keeps the wake words (every csd_unlock and IPI send writes the target's wake
// word) off the 64-byte lines of the words a CPU reads at every step and of the words a sender
// writes on the polling path, whatever the SharedArrayBuffer's alignment (malloc: 16 bytes).
import { describe, expect, it } from 'vitest';
import {
  C_CUR_CSD, C_CUR_FUNC, C_DOORBELL, C_IRQS_OFF, C_QUEUE, C_SLEEPING, C_STATE, C_TIF, C_WAKE, CPU_WORDS, Layout,
} from '../../impl/layout.js';

/** Two word indices can share a 64-byte line (16 words) at some 4-byte-aligned base address. */
const mayShareLine = (a: number, b: number): boolean => Math.abs(a - b) < 16;

describe('layout: cache lines of the per-CPU block', () => {
  it('the wake words of a CPU share no line with its step-time words, nor with the next CPU\'s polled words', () => {
    const L = new Layout({ cpus: 4 });
    const own = [C_QUEUE, C_STATE, C_DOORBELL, C_TIF, C_IRQS_OFF, C_CUR_CSD, C_CUR_FUNC];
    for (let cpu = 0; cpu < 3; cpu++) {
      for (const w of [C_WAKE, C_SLEEPING]) {
        for (const f of own) {
          expect(mayShareLine(L.cpu(cpu, w), L.cpu(cpu, f)), `cpu${cpu} word ${w} vs its word ${f}`).toBe(false);
          expect(mayShareLine(L.cpu(cpu, w), L.cpu(cpu + 1, f)), `cpu${cpu} word ${w} vs cpu${cpu + 1} word ${f}`).toBe(false);
        }
      }
    }
    expect(L.cpu(1, 0) - L.cpu(0, 0)).toBe(CPU_WORDS);
  });

  it('the check itself: the old block (24 words, wake word 7) fails it', () => {
    // word 7 beside the doorbell (word 2) of the same CPU: the layout this test keeps out
    expect(mayShareLine(7, 2)).toBe(true);
    expect(mayShareLine(22, 24 + C_TIF)).toBe(true); // old C_SLEEPING beside the next CPU's TIF
  });
});
