/**
 * Coverage-guided runs (`smpcheck check --guided`): for each reachable abstract state the random
 * property runs did not reach, take its shortest model path (model/abstract-reachable.ts) and turn
 * it into a command sequence and a schedule for the deterministic runtime:
 * - the workload's calls are posted to their CPUs' mailboxes up front (the model's "script not
 *   done" is the implementation's "call posted and not returned"); IRQ_WORK and TTWU entries are
 *   stood in for by smp_call_function_single_async on a user CSD of their own (same abstract class
 *   `A`; the guided paths were written before the implementation had irq_work and ttwu of its own,
 *   and the stand-ins still reach the same abstract states);
 * - a hotplug cycle is cpu_down / cpu_up posted to a controller CPU (the highest CPU that is neither
 *   hotplugged nor has a script, else CPU 0) at the model's HP_DYING / HP_PREPARE; -ENOMEM is the
 *   allocator limit one short of a cfd, lifted before the retry;
 * - each model event becomes "step the CPU that performs it (its IPI actor first for IPI) until the
 *   implementation's abstract state equals the model's after that event", within a step bound.
 * Every state the run passes through is recorded (so a run that gets lost half-way still closes
 * what it reached); the report says which targets were reached exactly.
 */
import { C_QUEUE, C_SM_PARKED, C_SM_SEEN, C_STATE, C_TIF, H_ALLOC_LIMIT, H_SM_CPU, H_SM_GEN, HP_ONLINE, NULL, TIF_NEED_RESCHED, TIF_POLLING } from '../impl/layout.js';
import type { SmpRequest } from '../impl/requests.js';
import type { ImplVariant } from '../impl/variant.js';
import { AbstractCoverage } from '../model/abstract-coverage.js';
import { abstractKey, abstractOfModel } from '../model/abstract-state.js';
import type { AbstractReachable, ReachableState } from '../model/abstract-reachable.js';
import { FastStepper, type FastSnapshot } from '../model/fast-step.js';
import { Stepper, viewOf } from '../model/step.js';
import { createSystemMachine, type SysEvent } from '../model/system.js';
import { compileWorkload, findWorkload, type CompiledWorkload, type Request, type Workload } from '../model/workload.js';
import { ImplAbstraction } from './abstract-impl.js';
import { RealSystem } from './real-system.js';

export interface GuidedOptions {
  /** a variant of the protocol (impl/variant.ts); default smp.c itself */
  readonly variant?: ImplVariant | undefined;
  /** at most this many targets (default: all uncovered) */
  readonly maxTargets?: number;
  /** step bound per model event (default 400) */
  readonly stepsPerEvent?: number;
  readonly signal?: AbortSignal;
}

export interface GuidedTarget {
  readonly state: string;
  readonly workload: string;
  /** the target was reached exactly (not only states on the way) */
  readonly reached: boolean;
  /** model events executed before the run got lost (= path length when reached) */
  readonly events: number;
  readonly reason: string | null;
  /** for a transition target: its index in the reachable transitions */
  readonly transition?: number;
}

export interface GuidedResult {
  readonly attempted: number;
  readonly runs: number;
  readonly closedStates: number;
  readonly closedTransitions: number;
  readonly targets: readonly GuidedTarget[];
  /** property violations seen on guided runs (a finding: the guided schedule broke an invariant) */
  readonly violations: readonly string[];
}

function allCpus(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The implementation request standing for one model request of CPU `cpu`. */
/** `userCsd(name)`: the user CSD slot for a caller-owned CSD name; `null` = a fresh one (TTWU entries). */
export function implRequest(r: Request, n: number, userCsd: (name: string | null) => number): SmpRequest {
  const mask = (m: Request['mask']): number[] => (m === undefined || m === 'all' ? allCpus(n) : [...m]);
  const wait = r.wait === true;
  switch (r.kind) {
    case 'single': return { kind: 'single', target: r.target ?? 0, wait };
    case 'single_async': return { kind: 'single_async', target: r.target ?? 0, csd: userCsd(`u:${r.csd ?? 'csd'}`) };
    case 'irq_work': return { kind: 'single_async', target: r.target ?? 0, csd: userCsd(`w:${r.csd ?? 'work'}`) };
    case 'ttwu': return { kind: 'single_async', target: r.target ?? 0, csd: userCsd(null) };
    case 'any': return { kind: 'any', mask: mask(r.mask), wait };
    case 'many': return { kind: 'many', mask: mask(r.mask), wait };
    case 'many_cond': return { kind: 'many_cond', mask: mask(r.mask), wait, runLocal: r.runLocal === true, ...(r.cond === undefined ? {} : { cond: [...r.cond] }) };
    case 'on_each_cpu_cond_mask': return { kind: 'on_each_cpu_cond_mask', mask: mask(r.mask), wait, ...(r.cond === undefined ? {} : { cond: [...r.cond] }) };
  }
}

function scriptsOf(w: Workload, n: number): readonly (readonly Request[])[] {
  return w.generate === undefined ? w.scripts : w.generate(n);
}

/** Abstract keys along a model path: index 0 = initial state, k = after event k. */
export function modelKeysAlong(cw: CompiledWorkload, path: readonly SysEvent[]): string[] {
  const m = createSystemMachine({ workload: cw });
  const fast = new FastStepper(m, cw);
  let x: FastSnapshot = fast.initial(new Stepper(m, cw).initial());
  const keys = [abstractKey(abstractOfModel(viewOf(x, cw), cw))];
  for (const e of path) {
    x = fast.step(x, e);
    keys.push(abstractKey(abstractOfModel(viewOf(x, cw), cw)));
  }
  return keys;
}

/**
 * The model's hotplug controller is no CPU; in the implementation cpu_down / cpu_up run as a
 * mailbox command of some CPU, which makes no call of its own until the command returns (the
 * kernel's cpuhp control task sleeps there and its CPU runs other tasks). So a hotplug path is
 * followed with one CPU more, CPU n, that only runs the hotplug commands and takes part in
 * stop_machine; the abstraction is of CPUs 0..n-1 (ImplAbstraction `cpus`), the workload's masks
 * name only those, so nothing is ever queued to CPU n.
 */
export const GUIDED_CONTROLLER = 'an extra CPU n that only runs cpu_down/cpu_up (left out of the abstraction)';

/** Drive the implementation along one model path; returns how far it got. */
export function followPath(target: Pick<ReachableState, 'key' | 'workload' | 'path'>, n: number, cov: AbstractCoverage, stepsPerEvent = 400, variant?: ImplVariant): GuidedTarget & { violations: string[] } {
  const w = findWorkload(target.workload);
  const cw = compileWorkload(w, n);
  const keys = modelKeysAlong(cw, target.path);
  const hotplug = (w.hotplug ?? []).length > 0;
  // Every action on the implementation is logged, so that the run can be rebuilt without its last
  // step (a CALL the model takes without changing the abstraction is run up to, not into, the
  // implementation's next visible step: see below). The runtime is deterministic: replaying the
  // log gives the same memory.
  type Action = { readonly post: readonly [number, SmpRequest, string] } | { readonly step: number } | { readonly allocUnlimited: true };
  const actions: Action[] = [];
  const make = (): { real: RealSystem; abs: ImplAbstraction } => {
    const r = new RealSystem({
      cpus: hotplug ? n + 1 : n, abstractCpus: n, variant, idle: w.idlePolling === true ? 'poll' : 'halt', maxSteps: 20_000, pollSpins: 50,
      ...(w.enomem === true ? { allocLimit: 2 * n - 1 } : {}),
    });
    return { real: r, abs: new ImplAbstraction(r.sys.mem.m, r.sys.mem.L, n) };
  };
  const apply = (x: { real: RealSystem; abs: ImplAbstraction }, a: Action): void => {
    if ('post' in a) x.real.post(...a.post);
    else if ('step' in a) {
      x.real.sys.step(a.step);
      x.abs.current(); // the abstraction's history is kept after every step
    } else Atomics.store(x.real.sys.mem.m, H_ALLOC_LIMIT, -1);
  };
  let { real, abs } = make();
  const watch = (): void => {
    real.sys.observe(() => { cov.observe(abs.key()); });
  };
  cov.beginRun();
  cov.observe(abs.key());
  watch();
  const act = (a: Action): void => {
    actions.push(a);
    apply({ real, abs }, a);
  };
  const lostViolations: string[] = [];
  /** Rebuild the run without its last action (a step), leaving the coverage as it was. */
  const undoLast = (): void => {
    actions.pop();
    for (const v of real.obs.violations) lostViolations.push(`${v.id}: ${v.message}`);
    const x = make();
    for (const a of actions) apply(x, a);
    ({ real, abs } = x);
    cov.cut(); // the undone step's state was observed; nothing that follows came from it
    watch();
  };
  const scripts = scriptsOf(w, n);
  scripts.forEach((s, cpu) => {
    const csds = new Map<string, number>();
    const userCsd = (name: string | null): number => {
      const k = name ?? `fresh:${csds.size}`;
      if (!csds.has(k)) csds.set(k, csds.size);
      return csds.get(k) ?? 0;
    };
    for (const r of s) act({ post: [cpu, implRequest(r, n, userCsd), r.kind] });
  });
  const ctrl = n;
  const done = (events: number, reason: string | null) => ({
    last: abs.key(),
    state: target.key, workload: target.workload, reached: reason === null && abs.key() === target.key, events, reason,
    violations: [...new Set([...lostViolations, ...real.obs.violations.map((v) => `${v.id}: ${v.message}`)])],
  });
  // prologue: idle CPUs enter their idle loop (polling, for idlePolling workloads) as in the model's initial state
  const idleCpus = allCpus(n).filter((c) => (scripts[c] ?? []).length === 0);
  for (let k = 0; k < 50 * n && abs.key() !== keys[0]; k++) {
    const en = real.sys.enabled();
    const a = idleCpus.find((c) => en.includes(c) && !(abs.current().cpus[c]?.idle === 'polling'));
    if (a === undefined) break;
    act({ step: a });
  }
  let enomemSeen = false;
  for (let i = 0; i < target.path.length; i++) {
    const e = target.path[i] as SysEvent;
    const want = keys[i + 1] ?? '';
    if (e.type === 'HP_DYING') act({ post: [ctrl, { kind: 'cpu_down', cpu: e.cpu }, 'cpu_down'] });
    if (e.type === 'HP_PREPARE_ENOMEM') {
      enomemSeen = true;
      act({ post: [ctrl, { kind: 'cpu_up', cpu: e.cpu }, 'cpu_up'] });
    }
    if (e.type === 'HP_PREPARE') {
      if (enomemSeen) act({ allocUnlimited: true });
      act({ post: [ctrl, { kind: 'cpu_up', cpu: e.cpu }, 'cpu_up'] });
    }
    if (want === keys[i]) {
      // The model's step did not change the abstraction. A CALL still did something the rest of
      // the path depends on (a many-call's snapshot of cpu_online_mask): the caller runs while its
      // abstraction stays the model's, and the step that would change it is undone.
      if (e.type === 'CALL') {
        for (let k = 0; k < stepsPerEvent && real.sys.enabled().includes(e.cpu); k++) {
          act({ step: e.cpu });
          if (abs.key() !== want) {
            undoLast();
            break;
          }
        }
      }
      continue;
    }
    // hotplug: the controller and the hotplugged CPU; the others only to take part in stop_machine
    const m = real.sys.mem.m, L = real.sys.mem.L;
    const inStopMachine = (): boolean => (m[H_SM_CPU] ?? 0) !== 0 || allCpus(n).some((c) => m[L.cpu(c, C_SM_PARKED)] !== 0);
    // controller first; once stop_machine runs: parked CPUs first (so they leave it before the
    // controller moves on), the hotplugged CPU, the CPUs still to join, the controller last. A CPU
    // with calls of its own is never stepped outside stop_machine (it would run its script).
    const hpActors = (): number[] => {
      const others = allCpus(n).filter((c) => c !== ctrl && c !== e.cpu);
      const hpOnline = m[L.cpu(e.cpu, C_STATE)] === HP_ONLINE;
      if (!inStopMachine()) return [ctrl, ...(hpOnline ? [] : [e.cpu])];
      return [
        ...others.filter((c) => m[L.cpu(c, C_SM_PARKED)] !== 0), e.cpu,
        ...others.filter((c) => m[L.cpu(c, C_SM_PARKED)] === 0 && m[L.cpu(c, C_SM_SEEN)] !== m[H_SM_GEN]), ctrl,
      ];
    };
    const actors = e.type === 'IPI' ? [real.sys.n + e.cpu, e.cpu] : [e.cpu]; // IPI delivery actors are numbered after the CPUs
    // the implementation begins this model step in the model's abstract state before it: a step
    // boundary, so the whole step (however many implementation steps it takes) is one transition
    const atBoundary = abs.key() === keys[i];
    let ok = false;
    for (let k = 0; k < stepsPerEvent; k++) {
      if (abs.key() === want) {
        ok = true;
        break;
      }
      const en = real.sys.enabled();
      let pick = -1;
      const list = e.type.startsWith('HP_') ? hpActors() : actors;
      for (let j = 0; j < list.length && pick < 0; j++) {
        const a = list[j] as number;
        if (en.includes(a)) pick = a;
      }
      if (pick < 0) return done(i, `step ${i + 1} (cpu${e.cpu}: ${e.type}): no actor for it is enabled`);
      act({ step: pick });
    }
    if (!ok && abs.key() !== want) return done(i, `step ${i + 1} (cpu${e.cpu}: ${e.type}): the model's next abstract state not reached in ${stepsPerEvent} steps`);
    if (atBoundary) cov.step(keys[i] ?? '', e.type, want);
    if (e.type === 'QUEUE') {
      // The model's QUEUE is the add and the kick in one step (set_nr_if_polling or the IPI); the
      // abstraction can change at the add already. Let the caller finish its kick while the
      // abstraction stays the model's (the step that would change it is undone): else a polling
      // target may leave polling first, and the kernel's idle path (no queue re-check) then halts
      // until the IPI, a schedule the model's path does not take.
      const unkickedPoller = (): boolean => allCpus(n).some((c) => {
        const tif = m[L.cpu(c, C_TIF)] ?? 0;
        return c !== e.cpu && (tif & TIF_POLLING) !== 0 && (tif & TIF_NEED_RESCHED) === 0 && m[L.cpu(c, C_QUEUE)] !== NULL;
      });
      for (let k = 0; k < stepsPerEvent && unkickedPoller() && real.sys.enabled().includes(e.cpu); k++) {
        act({ step: e.cpu });
        if (abs.key() !== want) {
          undoLast();
          break;
        }
      }
    }
  }
  return done(target.path.length, null);
}

/**
 * The guided pass over every state `random` did not cover; returns what it closed. `random` is
 * not changed; the guided pass's own coverage is returned in `guided` (absorb it for random+guided).
 */
export function runGuided(reach: AbstractReachable, random: AbstractCoverage, opts: GuidedOptions = {}): GuidedResult & { guided: AbstractCoverage } {
  // transitions only at model step boundaries (followPath: from the model's state before an event
  // to the model's state after it); states after every implementation step
  const guided = new AbstractCoverage(reach, 'steps');
  const n = reach.config.cpus;
  const targets: GuidedTarget[] = [];
  const violations: string[] = [];
  const pending = random.uncoveredStates();
  for (const i of pending) {
    if (opts.signal?.aborted === true || targets.length >= (opts.maxTargets ?? Infinity)) break;
    const s = reach.states[i];
    if (s === undefined || guided.hasState(s.key)) continue;
    const r = followPath(s, n, guided, opts.stepsPerEvent, opts.variant);
    targets.push({ state: r.state, workload: r.workload, reached: r.reached, events: r.events, reason: r.reason });
    for (const v of r.violations) if (!violations.includes(v)) violations.push(v);
  }
  // then every transition still uncovered: the shortest model path whose last event takes it
  const seen = new AbstractCoverage(reach);
  seen.absorb(random);
  seen.absorb(guided);
  for (const t of seen.uncoveredTransitions()) {
    if (opts.signal?.aborted === true || targets.length >= (opts.maxTargets ?? Infinity)) break;
    const tr = reach.transitions[t];
    const to = tr === undefined ? undefined : reach.states[tr.to];
    if (tr === undefined || to === undefined || guided.hasTransition(t)) continue;
    const r = followPath({ key: to.key, workload: tr.workload, path: tr.path }, n, guided, opts.stepsPerEvent, opts.variant);
    targets.push({ state: `${reach.states[tr.from]?.key ?? ''} --${tr.kind}--> ${to.key}`, workload: r.workload, reached: r.reached && guided.hasTransition(t), events: r.events, reason: r.reason, transition: t });
    for (const v of r.violations) if (!violations.includes(v)) violations.push(v);
  }
  const both = new AbstractCoverage(reach);
  both.absorb(random);
  const before = { s: both.coveredStates, t: both.coveredTransitions };
  both.absorb(guided);
  return {
    attempted: targets.length, runs: guided.runs, closedStates: both.coveredStates - before.s,
    closedTransitions: both.coveredTransitions - before.t, targets, violations, guided,
  };
}
