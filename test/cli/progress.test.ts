import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressMode } from '../../cli/progress.js';

describe('progress', () => {
  it('is silent with --json or CI, a bar on a TTY, plain lines otherwise', () => {
    expect(progressMode({ json: true, isTTY: true, ci: false })).toBe('silent');
    expect(progressMode({ json: false, isTTY: true, ci: true })).toBe('silent');
    expect(progressMode({ json: false, isTTY: true, ci: false })).toBe('bar');
    expect(progressMode({ json: false, isTTY: false, ci: false })).toBe('lines');
  });
  it('plain lines: nothing in the first second, then one line per 10%', () => {
    let t = 0;
    const lines: string[] = [];
    const p = createProgress({ label: 'check', total: 20, mode: 'lines', write: (l) => lines.push(l), now: () => t });
    p.tick(5);
    expect(lines).toEqual([]);
    t = 1500;
    p.tick(1);
    p.tick(1);
    p.tick(13);
    p.stop();
    expect(lines).toEqual(['check: 6/20 (30%) after 1.5 s\n', 'check: 20/20 (100%) after 1.5 s\n']);
  });

  it('TTY: the bar with ETA appears only after the first second and stops cleanly', () => {
    let t = 0;
    let drawn = '';
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          drawn += chunk.toString();
          cb();
        },
      }),
      { isTTY: true, columns: 100 },
    );
    const p = createProgress({ label: 'verify', total: 10, mode: 'bar', stream: tty, now: () => t });
    p.tick(2);
    expect(drawn).toBe('');
    t = 1200;
    p.tick(3);
    p.stop();
    expect(drawn).toMatch(/verify \[.*\] 50% \| 5\/10 \| ETA /);
  });
});
