/**
 * Stepping the composed machine through xstate's own transition function with one reused actor
 * scope (toolchain notes §5: ~5× faster than the public `transition()`), plus what the explorer,
 * property tests and trace checker need around it: the initial snapshot, the candidate events of a
 * snapshot, a canonical state key and an abstract view.
 */
import { createEmptyActor, initialTransition, type SnapshotFrom } from 'xstate';
import type { CsdState } from './csd-chart.js';
import type { HotplugState } from './hotplug-chart.js';
import { PHASE_READY, SYS_EVENT_TYPES, type SysContext, type SysEvent, type SysEventType, type SystemMachine } from './system.js';
import type { CompiledWorkload } from './workload.js';

export type SystemSnapshot = SnapshotFrom<SystemMachine>;

/** What candidates, keys and views read: an xstate snapshot or a FastSnapshot (fast-step.ts). */
export interface ModelState {
  readonly value: unknown;
  readonly context: SysContext;
}

type Scope = Parameters<SystemMachine['transition']>[2];

function mockScope(): Scope {
  const empty = createEmptyActor();
  // the mock scope @xstate/graph uses: assign applies, nothing else runs (a pure model needs no more)
  const scope: unknown = {
    self: empty, logger: () => undefined, id: '', sessionId: 'smpcheck', defer: () => undefined,
    system: empty.system, stopChild: () => undefined, emit: () => undefined, actionExecutor: () => undefined,
  };
  return scope as Scope;
}

/** A machine bound to a reused scope: `step` returns the same object when no transition is enabled. */
export class Stepper {
  private readonly scope = mockScope();
  /** One event object per (type, cpu), reused by `candidates` (events are never mutated). */
  private readonly ev: Readonly<Record<SysEventType, readonly SysEvent[]>>;
  constructor(
    readonly machine: SystemMachine,
    readonly cw: CompiledWorkload,
  ) {
    const ev = {} as Record<SysEventType, SysEvent[]>;
    for (const type of SYS_EVENT_TYPES) ev[type] = Array.from({ length: cw.n }, (_, cpu) => Object.freeze({ type, cpu }));
    this.ev = ev;
  }

  initial(): SystemSnapshot {
    return initialTransition(this.machine)[0];
  }
  step(s: SystemSnapshot, e: SysEvent): SystemSnapshot {
    return this.machine.transition(s, e, this.scope);
  }
  /**
   * Events worth trying: an over-approximation derived from the context only (which CPU could do
   * what); xstate's guards decide. Order is fixed (CPU, then event type) so BFS is deterministic.
   */
  candidates(s: ModelState): SysEvent[] {
    const ctx = s.context;
    const v = s.value as Record<string, string>;
    const out: SysEvent[] = [];
    const E = this.ev;
    const cpuName = regionNames(this.cw).cpu;
    for (let c = 0; c < this.cw.n; c++) {
      const hp = v[cpuName[c] as string];
      const script = this.cw.scripts[c] ?? [];
      if (ctx.online[c] === true && ctx.inFlush[c] !== true) {
        const ph = ctx.phase[c];
        if (ph === PHASE_READY && (ctx.pc[c] ?? 0) < script.length) out.push(E.CALL[c] as SysEvent);
        if (ph === 1) out.push(E.QUEUE[c] as SysEvent, E.SEND[c] as SysEvent);
        if (ph === 2) out.push(E.RETURN[c] as SysEvent);
        if (ctx.polling[c] === true) out.push(E.IDLE_WAKE[c] as SysEvent, E.IDLE_SLEEP[c] as SysEvent);
      }
      if (ctx.ipi[c] === true) out.push(E.IPI[c] as SysEvent);
      if (ctx.inFlush[c] === true) out.push(E.FLUSH_RUN[c] as SysEvent, E.FLUSH_DONE[c] as SysEvent);
      if (hp === 'online' && (ctx.hpLeft[c] ?? 0) > 0) out.push(E.HP_DYING[c] as SysEvent);
      else if (hp === 'dying') out.push(E.HP_DEAD[c] as SysEvent);
      else if (hp === 'dead') out.push(E.HP_OFFLINE[c] as SysEvent);
      else if (hp === 'offline') out.push(E.HP_PREPARE[c] as SysEvent, E.HP_PREPARE_ENOMEM[c] as SysEvent);
      else if (hp === 'prepared') out.push(E.HP_ONLINE[c] as SysEvent);
    }
    return out;
  }
  /** Enabled events with their successors (events that leave the snapshot unchanged are dropped). */
  successors(s: SystemSnapshot): { event: SysEvent; next: SystemSnapshot }[] {
    const out: { event: SysEvent; next: SystemSnapshot }[] = [];
    for (const e of this.candidates(s)) {
      const n = this.step(s, e);
      if (n !== s) out.push({ event: e, next: n });
    }
    return out;
  }
}

/** Every event type for every CPU: the exhaustive candidate list (used to check `candidates`). */
export function allEvents(n: number): SysEvent[] {
  const out: SysEvent[] = [];
  for (let c = 0; c < n; c++) for (const type of SYS_EVENT_TYPES) out.push({ type, cpu: c });
  return out;
}

/** Canonical key: region values in fixed order plus the context (JSON-clean, fixed field order). */
export function stateKey(s: ModelState): string {
  const v = s.value as Record<string, string>;
  let k = '';
  for (const r in v) k += (v[r] ?? '').charAt(0) + (v[r] ?? '').charAt(2);
  return k + JSON.stringify(s.context);
}

/** The abstract view used by invariants, the trace checker and the property tests. */
export interface SystemView {
  readonly hotplug: readonly HotplugState[];
  readonly csd: readonly CsdState[];
  readonly ctx: SysContext;
}

/** Region names per workload (`cpu0`…, `req0`…), built once: template strings per lookup were a tenth of the explorer's time. */
const NAMES = new WeakMap<CompiledWorkload, { readonly cpu: readonly string[]; readonly req: readonly string[] }>();
export function regionNames(cw: CompiledWorkload): { readonly cpu: readonly string[]; readonly req: readonly string[] } {
  let r = NAMES.get(cw);
  if (r === undefined) {
    r = { cpu: Array.from({ length: cw.n }, (_, c) => `cpu${c}`), req: cw.slots.map((x) => `req${x.id}`) };
    NAMES.set(cw, r);
  }
  return r;
}

export function viewOf(s: ModelState, cw: CompiledWorkload): SystemView {
  const v = s.value as Record<string, string>;
  const names = regionNames(cw);
  const hotplug: HotplugState[] = [];
  for (let c = 0; c < cw.n; c++) hotplug.push((v[names.cpu[c] as string] ?? 'offline') as HotplugState);
  const csd: CsdState[] = [];
  for (let i = 0; i < names.req.length; i++) csd.push((v[names.req[i] as string] ?? 'free') as CsdState);
  return { hotplug, csd, ctx: s.context };
}

export function describeEvent(e: SysEvent): string {
  return `cpu${e.cpu}: ${e.type}`;
}
