/** smp_call_function_any(mask, func, info, wait): self if in mask, else the lowest online CPU of mask (flat NUMA). */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import { maskText, type SmpCommand } from './model.js';

export class CallAnyCommand extends CallCommand {
  constructor(cpu: number, readonly mask: readonly number[], readonly wait: boolean) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'any', mask: this.mask, wait: this.wait };
  }
  text(): string {
    return `smp_call_function_any(${maskText(this.mask)}, wait=${this.wait ? 1 : 0})`;
  }
}

export function cpuMaskArb(n: number): fc.Arbitrary<number[]> {
  return fc.subarray(Array.from({ length: n }, (_, i) => i));
}

export function callAnyArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), cpuMaskArb(n), fc.boolean()).map(([c, m, w]) => new CallAnyCommand(c, m, w));
}
