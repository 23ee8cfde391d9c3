/**
 * Taking a CPU down and up through sysfs (`/sys/devices/system/cpu/cpuN/online`), with its online
 * state restored on every exit path. Only used by `trace record --hotplug`; nothing in the default
 * test run calls it.
 */
import { existsSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TracefsError } from './tracefs.js';

export interface HotplugPlan {
  readonly cpu: number;
  readonly cycles: number;
}

/** Parses `CPU:CYCLES` (`1:3`); throws a one-line Error naming the option. */
export function parseHotplug(spec: string): HotplugPlan {
  const m = /^(\d+):(\d+)$/.exec(spec.trim());
  const cpu = Number(m?.[1]);
  const cycles = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(cpu) || !Number.isSafeInteger(cycles) || cycles < 1 || cycles > 1000) {
    throw new Error(`--hotplug ${JSON.stringify(spec)}: expected CPU:CYCLES with 1 <= CYCLES <= 1000, e.g. 1:3`);
  }
  return { cpu, cycles };
}

const onlineFile = (cpu: number): string => `/sys/devices/system/cpu/cpu${cpu}/online`;

/** Checks that the CPU exists, is online and can be taken offline here. */
export async function checkHotpluggable(cpu: number): Promise<void> {
  if (!existsSync(`/sys/devices/system/cpu/cpu${cpu}`)) throw new TracefsError(`--hotplug: cpu${cpu} does not exist`);
  const f = onlineFile(cpu);
  if (!existsSync(f)) throw new TracefsError(`--hotplug: cpu${cpu} cannot be taken offline on this machine (no ${f})`);
  try {
    await access(f, constants.W_OK);
  } catch {
    throw new TracefsError(`--hotplug: ${f} is not writable (needs root)`);
  }
  if ((await readFile(f, 'utf8')).trim() !== '1') throw new TracefsError(`--hotplug: cpu${cpu} is offline already`);
}

async function setOnline(cpu: number, on: boolean): Promise<void> {
  await writeFile(onlineFile(cpu), on ? '1' : '0');
}

/**
 * Runs the cycles (down, wait, up, wait) until done or `signal` aborts; the CPU is online again
 * when this returns or throws.
 */
export async function runHotplug(plan: HotplugPlan, signal: AbortSignal, log: (s: string) => void, pauseMs = 100): Promise<number> {
  let done = 0;
  try {
    for (let k = 0; k < plan.cycles && !signal.aborted; k++) {
      await setOnline(plan.cpu, false);
      await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
      await setOnline(plan.cpu, true);
      done++;
      log(`cpu${plan.cpu} down and up (${done}/${plan.cycles})`);
      await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await restoreOnline(plan.cpu);
  }
  return done;
}

/** Puts the CPU back online if it is not (retrying: a bring-up can fail transiently). */
export async function restoreOnline(cpu: number): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const state = (await readFile(onlineFile(cpu), 'utf8').catch(() => '1')).trim();
    if (state === '1') return;
    await setOnline(cpu, true).catch(() => undefined);
    await sleep(50);
  }
}
