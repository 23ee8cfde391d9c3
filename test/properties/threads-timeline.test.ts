/** Issue 14 §2: a threads-runtime counterexample has a per-CPU timeline too (what each CPU was posted, in order). */
import { describe, expect, it } from 'vitest';
import { CallSingleCommand } from '../../properties/commands/call-single.js';
import { CpuDownCommand } from '../../properties/commands/cpu-down.js';
import { ThreadsCommand } from '../../properties/threads/async-commands.js';
import { postedTimeline } from '../../properties/threads/threads-timeline.js';

describe('postedTimeline', () => {
  it('puts each call in its calling CPU\'s lane and hotplug in cpu0\'s, in order', () => {
    const cmds = [new CallSingleCommand(2, 1, true), new CpuDownCommand(1, 7, false), new CallSingleCommand(0, 2, false)].map((c) => new ThreadsCommand(c));
    const t = postedTimeline(cmds);
    expect(t.map((e) => [e.step, e.cpu, e.lane])).toEqual([[1, 2, 'call'], [2, 0, 'hotplug'], [3, 0, 'call']]);
    expect(t[0]?.text).toBe(`posted ${cmds[0]?.toString() ?? ''}`);
  });
});
