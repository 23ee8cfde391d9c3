/**
 * Callbacks that call the smp API themselves (from hardirq, inside the target's flush):
 * - `resubmit`: smp_call_function_single_async of the caller's self-resubmitting CSD with
 *   fn_resubmit, which resubmits its own CSD back to the submitter once; legal because an ASYNC
 *   CSD is unlocked before its func (B4: unlocked after it, the resubmission waits for itself);
 * - `forward`: smp_call_function_single(wait=0) of fn_forward, which queues the request on the
 *   next CPU through that CPU's shared async CSD.
 * A CPU starts at most one resubmit chain per run: the chain owns its CSD from then on.
 */
import fc from 'fast-check';
import { RESUBMIT_CSD_SLOT } from '../../impl/layout.js';
import type { SmpRequest } from '../../impl/requests.js';
import { CallCommand } from './call.js';
import type { PropModel, SmpCommand } from './model.js';

export type CallbackKind = 'resubmit' | 'forward';

export class CallbackCallCommand extends CallCommand {
  constructor(cpu: number, readonly target: number, readonly kind: CallbackKind) {
    super(cpu);
  }
  request(): SmpRequest {
    return this.kind === 'resubmit'
      ? { kind: 'single_async', target: this.target, csd: RESUBMIT_CSD_SLOT, func: 'fn_resubmit' }
      : { kind: 'single', target: this.target, wait: false, func: 'fn_forward' };
  }
  text(): string {
    return this.kind === 'resubmit'
      ? `smp_call_function_single_async(${this.target}, csd=user${RESUBMIT_CSD_SLOT}, fn_resubmit)`
      : `smp_call_function_single(${this.target}, fn_forward, wait=0)`;
  }
  override check(m: Readonly<PropModel>): boolean {
    return super.check(m) && (this.kind !== 'resubmit' || m.chains[this.cpu] !== true);
  }
  override run(m: PropModel, r: Parameters<CallCommand['run']>[1]): void {
    if (this.kind === 'resubmit') m.chains[this.cpu] = true;
    super.run(m, r);
  }
}

/** Remote targets only: a self-call runs the callback inline, in task context. */
export function callbackCallArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.nat(n - 1), fc.nat(n - 2), fc.constantFrom<CallbackKind>('resubmit', 'forward'))
    .map(([c, d, k]) => new CallbackCallCommand(c, (c + 1 + d) % n, k));
}
