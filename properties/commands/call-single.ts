/** smp_call_function_single(cpu, func, info, wait): self, online, offline or invalid targets. */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import type { SmpCommand } from './model.js';

export class CallSingleCommand extends CallCommand {
  constructor(cpu: number, readonly target: number, readonly wait: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'single', target: this.target, wait: this.wait };
  }
  text(): string {
    return `smp_call_function_single(${this.target}, wait=${this.wait ? 1 : 0})`;
  }
}

/** Targets run to n+1: n and n+1 are invalid CPU numbers (-ENXIO). */
export function callSingleArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n + 1), fc.boolean()).map(([c, t, w]) => new CallSingleCommand(c, t, w));
}
