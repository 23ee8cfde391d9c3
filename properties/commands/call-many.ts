/** smp_call_function_many(mask, func, info, wait): never runs on the caller. */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { cpuMaskArb } from './call-any.js';
import { CallCommand } from './call.js';
import { maskText, type SmpCommand } from './model.js';

export class CallManyCommand extends CallCommand {
  constructor(cpu: number, readonly mask: readonly number[], readonly wait: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'many', mask: this.mask, wait: this.wait };
  }
  text(): string {
    return `smp_call_function_many(${maskText(this.mask)}, wait=${this.wait ? 1 : 0})`;
  }
}

export function callManyArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), cpuMaskArb(n), fc.boolean()).map(([c, m, w]) => new CallManyCommand(c, m, w));
}
