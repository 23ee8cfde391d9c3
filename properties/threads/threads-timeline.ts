/**
 * A per-CPU timeline for a threads-runtime counterexample. Real threads keep no per-step trace (the
 * hardware interleaves), so the timeline is what each CPU was asked to do, in order: the calls in
 * the lane of their calling CPU, hotplug operations in cpu0's (which issues them). Replay it on the
 * deterministic runtime for the interleaving itself.
 */
import type { TimelineEntry } from '../../model/types.js';
import { CallCommand } from '../commands/call.js';
import { CpuDownCommand } from '../commands/cpu-down.js';
import { CpuUpCommand } from '../commands/cpu-up.js';
import { ThreadsCommand } from './async-commands.js';

export function postedTimeline(commands: Iterable<unknown>): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const c of commands) {
    const inner = c instanceof ThreadsCommand ? c.inner : null;
    if (inner instanceof CallCommand) out.push({ step: out.length + 1, cpu: inner.cpu, lane: 'call', text: `posted ${inner.toString()}` });
    else if (inner instanceof CpuDownCommand || inner instanceof CpuUpCommand) out.push({ step: out.length + 1, cpu: 0, lane: 'hotplug', text: `posted ${inner.toString()}` });
  }
  return out;
}
