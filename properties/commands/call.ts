/**
 * Base of every API-call command: post the call to the calling CPU's mailbox (a host action; the
 * CPU runs it when the schedule lets it). Only an online CPU can issue a call.
 */
import type { SmpRequest } from '../../impl/requests.js';
import type { RealSystem } from '../real-system.js';
import { MAX_POSTS, type PropModel, type SmpCommand } from './model.js';

export abstract class CallCommand implements SmpCommand {
  constructor(readonly cpu: number) {}
  abstract request(): SmpRequest;
  abstract text(): string;
  check(m: Readonly<PropModel>): boolean {
    return m.online[this.cpu] === true && m.posts < MAX_POSTS;
  }
  run(m: PropModel, r: RealSystem): void {
    r.post(this.cpu, this.request(), this.text());
    m.unsettled[this.cpu] = true;
    m.posts++;
    r.assertHolds();
  }
  toString(): string {
    return `cpu${this.cpu}: ${this.text()}`;
  }
}
