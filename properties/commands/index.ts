/** The weighted command list for `fc.commands` (scftorture-style mix: calls dominate). */
import fc from 'fast-check';
import { callAnyArb } from './call-any.js';
import { callbackCallArb } from './callback-call.js';
import { callFunctionArb } from './call-function.js';
import { callManyCondArb } from './call-many-cond.js';
import { callManyArb } from './call-many.js';
import { callSingleAsyncArb } from './call-single-async.js';
import { callSingleArb } from './call-single.js';
import { cpuDownArb } from './cpu-down.js';
import { cpuUpArb } from './cpu-up.js';
import { deliverIpiArb } from './deliver-ipi.js';
import { irqWorkArb } from './irq-work.js';
import type { SmpCommand } from './model.js';
import { onEachCpuCondMaskArb } from './on-each-cpu-cond-mask.js';
import { quiesceArb } from './quiesce.js';
import { sharedCsdRaceArb } from './shared-csd-race.js';
import { stepArb } from './step.js';
import { ttwuArb } from './ttwu.js';

export interface CommandsOptions {
  readonly cpus: number;
  readonly maxCommands?: number;
  readonly replayPath?: string;
}

export function smpCommandArbs(n: number): fc.Arbitrary<SmpCommand>[] {
  const w = (weight: number, arb: fc.Arbitrary<SmpCommand>): fc.Arbitrary<SmpCommand>[] => new Array<fc.Arbitrary<SmpCommand>>(weight).fill(arb);
  return [
    ...w(3, callSingleArb(n)), ...w(3, callSingleAsyncArb(n)), ...w(1, callAnyArb(n)), ...w(2, callManyArb(n)),
    ...w(1, callManyCondArb(n)), ...w(1, callFunctionArb(n)), ...w(1, onEachCpuCondMaskArb(n)),
    ...w(2, sharedCsdRaceArb(n)), ...w(2, callbackCallArb(n)), ...w(2, irqWorkArb(n)), ...w(2, ttwuArb(n)),
    ...w(3, stepArb()), ...w(2, deliverIpiArb(n)), ...w(1, quiesceArb()), ...w(2, cpuDownArb(n)), ...w(2, cpuUpArb(n)),
  ];
}

export function smpCommands(o: CommandsOptions): fc.Arbitrary<Iterable<SmpCommand>> {
  return fc.commands(smpCommandArbs(o.cpus), {
    maxCommands: o.maxCommands ?? 30, size: 'max',
    ...(o.replayPath === undefined ? {} : { replayPath: o.replayPath }),
  });
}

export { initialModel, type PropModel, type SmpCommand } from './model.js';
