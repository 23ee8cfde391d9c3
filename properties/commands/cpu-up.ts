/** cpu_up(cpu) driven by CPU 0: smpcfd_prepare_cpu allocates the cfd, then the CPU is online. */
import fc from 'fast-check';
import { requestResult } from '../../impl/requests.js';
import type { RealSystem } from '../real-system.js';
import { settle, type PropModel, type SmpCommand } from './model.js';
import { HotplugError } from './hotplug-error.js';

export class CpuUpCommand implements SmpCommand {
  constructor(readonly cpu: number, readonly seed: number, readonly lateIpis: boolean) {}
  check(m: Readonly<PropModel>): boolean {
    return this.cpu >= 1 && m.online[this.cpu] === false;
  }
  run(m: PropModel, r: RealSystem): void {
    const id = r.post(0, { kind: 'cpu_up', cpu: this.cpu }, `cpu_up(${this.cpu})`);
    r.quiesce(this.seed, this.lateIpis);
    settle(m);
    r.assertHolds();
    const rc = requestResult(r.sys.mem.m, r.sys.mem.L, id).rc;
    if (rc !== 0) throw new HotplugError(`cpu_up(${this.cpu}) returned ${rc}, expected 0`);
    m.online[this.cpu] = true;
  }
  toString(): string {
    return `cpu0: cpu_up(${this.cpu}), run to quiescence (seed ${this.seed}${this.lateIpis ? ', late IPIs' : ''})`;
  }
}

export function cpuUpArb(n: number): fc.Arbitrary<SmpCommand> {
  return fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.nat(0xffff), fc.boolean()).map(([c, s, l]) => new CpuUpCommand(c, s, l));
}
