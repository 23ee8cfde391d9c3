/** on_each_cpu_cond_mask(cond, func, info, wait, mask): many_cond with SCF_RUN_LOCAL. */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { cpuMaskArb } from './call-any.js';
import { CallCommand } from './call.js';
import { maskText, type SmpCommand } from './model.js';

export class OnEachCpuCondMaskCommand extends CallCommand {
  constructor(cpu: number, readonly mask: readonly number[], readonly cond: readonly number[] | null, readonly wait: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'on_each_cpu_cond_mask', mask: this.mask, wait: this.wait, ...(this.cond === null ? {} : { cond: this.cond }) };
  }
  text(): string {
    return `on_each_cpu_cond_mask(cond=${this.cond === null ? 'NULL' : maskText(this.cond)}, wait=${this.wait ? 1 : 0}, ${maskText(this.mask)})`;
  }
}

export function onEachCpuCondMaskArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), cpuMaskArb(n), fc.option(cpuMaskArb(n)), fc.boolean())
    .map(([c, m, cond, w]) => new OnEachCpuCondMaskCommand(c, m, cond, w));
}
