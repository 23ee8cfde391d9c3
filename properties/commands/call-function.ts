/** smp_call_function(func, info, wait): every other online CPU. */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import type { SmpCommand } from './model.js';

export class CallFunctionCommand extends CallCommand {
  constructor(cpu: number, readonly wait: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'call_function', wait: this.wait };
  }
  text(): string {
    return `smp_call_function(wait=${this.wait ? 1 : 0})`;
  }
}

export function callFunctionArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.boolean()).map(([c, w]) => new CallFunctionCommand(c, w));
}
