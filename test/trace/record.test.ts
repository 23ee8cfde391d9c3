/**
 * `smpcheck trace record`: option and environment errors everywhere; a real recording where this
 * machine allows it (root, writable tracefs, csd events), skipped with the reason elsewhere. Nothing
 * here takes a CPU offline unless SMPCHECK_HOTPLUG_TESTS=1 is set.
 */
import { accessSync, constants, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraceFile } from '../../trace/check-file.js';
import { smpcheck, tempDir } from './fixtures.js';

const TRACEFS = '/sys/kernel/tracing';
function recordingPossible(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync(join(TRACEFS, 'instances'))) return 'tracefs not mounted at /sys/kernel/tracing';
  if (!existsSync(join(TRACEFS, 'events', 'csd', 'csd_queue_cpu'))) return 'kernel without csd trace events (Linux < 6.4)';
  try {
    accessSync(join(TRACEFS, 'instances'), constants.W_OK);
  } catch {
    return 'tracefs instances/ not writable';
  }
  return null;
}
const WHY_NOT = recordingPossible();
const HOTPLUG = process.env.SMPCHECK_HOTPLUG_TESTS === '1' && existsSync('/sys/devices/system/cpu/cpu1/online');

/** Exit 2 with one `smpcheck:` line on stderr that matches `pattern`, and nothing recorded. */
function expectUsage(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^smpcheck: /);
  expect(lines[0]).toMatch(pattern);
}

describe('smpcheck trace record', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('bad options and an unwritable output are one line and exit 2, before anything is traced', async () => {
    const out = join(dir, 'x.txt.gz');
    const cases: [string[], RegExp][] = [
      [['--hotplug', 'one'], /--hotplug "one": expected CPU:CYCLES/],
      [['--hotplug', '1:0'], /--hotplug "1:0": expected CPU:CYCLES/],
      [['--buffer-kb', '0'], /--buffer-kb "0": expected an integer/],
      [['--duration', '1.5'], /--duration "1.5": expected an integer/],
      [['--events', 'csd'], /--events "csd": expected a comma-separated list of SYSTEM\/EVENT/],
    ];
    for (const [args, pattern] of cases) expectUsage(await smpcheck(['trace', 'record', '-o', out, ...args]), pattern);
    expectUsage(await smpcheck(['trace', 'record', '-o', join(dir, 'no', 'such', 'f.gz')]), /-o .*f\.gz: cannot write there \(no such folder\)/);
    expectUsage(await smpcheck(['trace', 'record', '-o', dir]), /is a folder/);
    expectUsage(await smpcheck(['trace', 'record', '-o', out], { SMPCHECK_TRACEFS: join(dir, 'nope') }), /trace record: SMPCHECK_TRACEFS=.*nope: not a tracefs mount/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(WHY_NOT !== null)(`records the built-in workload and trace check accepts it${WHY_NOT === null ? '' : ` — skipped: ${WHY_NOT}`}`, async () => {
    const out = join(dir, 'rec.txt.gz');
    const r = await smpcheck(['trace', 'record', '-o', out, '--duration', '300', '--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recorded \d+ events to .*rec\.txt\.gz: 13 event kinds/);
    expect(r.stdout).toContain('End of run: SUCCESS');
    const v = await checkTraceFile(out);
    expect(v.ok).toBe(true);
    expect(v.stats.perFunction.find((f) => f.func === 'flush_tlb_func')?.queued ?? 0).toBeGreaterThan(0);
    expect(readdirSync(join(TRACEFS, 'instances')).filter((n) => n.startsWith('smpcheck-'))).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    // A CPU that cannot go offline is refused before recording (cpu0 has no online file on x86).
    if (!existsSync('/sys/devices/system/cpu/cpu0/online')) expectUsage(await smpcheck(['trace', 'record', '-o', out, '--hotplug', '0:1']), /--hotplug: cpu0 cannot be taken offline/);
    expectUsage(await smpcheck(['trace', 'record', '-o', out, '--hotplug', '4096:1']), /--hotplug: cpu4096 does not exist/);
  }, 60_000);

  it.skipIf(WHY_NOT !== null || !HOTPLUG)('records cpu1 going down and up 3 times; trace check accepts it and cpu1 is online after (SMPCHECK_HOTPLUG_TESTS=1 only)', async () => {
    const out = join(dir, 'rec-hp.txt.gz');
    const r = await smpcheck(['trace', 'record', '-o', out, '--hotplug', '1:3', '--check']);
    expect(r.code).toBe(0);
    const v = await checkTraceFile(out);
    expect(v.ok).toBe(true);
    expect(v.hotplug).toHaveLength(3);
    expect(v.hotplug.every((w) => w.down !== null && w.offline !== null && w.prepare !== null && w.online !== null)).toBe(true);
  }, 120_000);
});
