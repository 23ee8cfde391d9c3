/**
 * smp_call_function_single_async(cpu, csd): the caller owns the CSD; reusing one (same slot)
 * while it is still in flight must give -EBUSY (INV-NO-REUSE-LOCKED).
 */
import fc from 'fast-check';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import type { SmpCommand } from './model.js';

export class CallSingleAsyncCommand extends CallCommand {
  constructor(cpu: number, readonly target: number, readonly csd: number) {
    super(cpu);
  }
  request(): SmpRequest {
    return { kind: 'single_async', target: this.target, csd: this.csd };
  }
  text(): string {
    return `smp_call_function_single_async(${this.target}, csd=user${this.csd})`;
  }
}

/** Two user CSD slots only, so that reuse of an in-flight CSD is frequent. */
export function callSingleAsyncArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n), fc.nat(1)).map(([c, t, k]) => new CallSingleAsyncCommand(c, t, k));
}
