/** smp_call_function_many_cond(mask, func, info, SCF_WAIT|SCF_RUN_LOCAL, cond). */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { cpuMaskArb } from './call-any.js';
import { CallCommand } from './call.js';
import { maskText, type SmpCommand } from './model.js';

export class CallManyCondCommand extends CallCommand {
  constructor(
    cpu: number, readonly mask: readonly number[], readonly cond: readonly number[] | null,
    readonly runLocal: boolean, readonly wait: boolean,
  ) {
    super(cpu);
  }
  request(): SmpRequest {
    return {
      kind: 'many_cond', mask: this.mask, wait: this.wait, runLocal: this.runLocal,
      ...(this.cond === null ? {} : { cond: this.cond }),
    };
  }
  text(): string {
    const flags = [this.wait ? 'SCF_WAIT' : '', this.runLocal ? 'SCF_RUN_LOCAL' : ''].filter((x) => x !== '').join('|') || '0';
    return `smp_call_function_many_cond(${maskText(this.mask)}, ${flags}, cond=${this.cond === null ? 'NULL' : maskText(this.cond)})`;
  }
}

export function callManyCondArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), cpuMaskArb(n), fc.option(cpuMaskArb(n)), fc.boolean(), fc.boolean())
    .map(([c, m, cond, rl, w]) => new CallManyCondCommand(c, m, cond, rl, w));
}
