/**
 * A faster step function DERIVED from the machine definition (not a second copy of the rules):
 * it walks the composed machine's state node tree once, keeps per region and leaf state the
 * TransitionDefinitions xstate built from the chart config, and applies them directly with the
 * machine's own guard and assign implementations (`machine.implementations`, so a variant's
 * `provide()`d rules are honoured). Semantics follow xstate's microstep for this machine shape (parallel root,
 * flat regions, no entry/exit actions, no eventless or delayed transitions): every region selects
 * its first enabled transition against the PRE-step context, then the selected transitions' actions
 * run in document order, each assign seeing the previous one's result.
 * test/model/fast-step.test.ts checks it agrees with `machine.transition` on every explored state.
 */
import type { AnyStateNode } from 'xstate';
import type { GuardImpl, Params, SysContext, SysEvent, SystemMachine } from './system.js';
import type { CompiledWorkload } from './workload.js';

/** The shape the explorer and the invariants read: region → leaf state, plus the context. */
export interface FastSnapshot {
  readonly value: Readonly<Record<string, string>>;
  readonly context: SysContext;
}

/** What a taken transition looks like to coverage (the same fields as xstate's definitions). */
export interface TakenTransition {
  readonly source: { readonly id: string };
  readonly target?: readonly { readonly id: string }[] | undefined;
  readonly eventType: string;
  readonly guard?: unknown;
}

type AssignFn = (args: { context: SysContext; event: SysEvent }, params: Params) => Partial<SysContext>;

interface CompiledTransition {
  readonly def: TakenTransition;
  readonly target: string | null;
  readonly guard: GuardImpl | null;
  readonly guardParams: Params;
  readonly actions: readonly { readonly fn: AssignFn; readonly params: Params }[];
}

interface DefLike {
  readonly source: { readonly id: string };
  readonly target?: readonly AnyStateNode[] | undefined;
  readonly eventType: string;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

export class FastStepper {
  private readonly regions: readonly string[];
  /** region index → leaf key → event type → transitions in priority order */
  private readonly table: Map<string, Map<string, readonly CompiledTransition[]>>[] = [];
  /** event type → the regions (in document order) with a transition on it in some leaf */
  private readonly regionsOn = new Map<string, number[]>();
  /** event type → per such region: its name, index and leaf → transitions on that type (one Map get per region and step) */
  private readonly byType = new Map<string, readonly { readonly r: number; readonly region: string; readonly leaves: ReadonlyMap<string, readonly CompiledTransition[]> }[]>();
  /** The transitions a step selected (region, transition), reused between steps. */
  private readonly chosenR: number[] = [];
  private readonly chosenT: CompiledTransition[] = [];

  constructor(
    readonly machine: SystemMachine,
    readonly cw: CompiledWorkload,
  ) {
    const impl = machine.implementations as unknown as { guards: Record<string, unknown>; actions: Record<string, unknown> };
    const root = machine.root as AnyStateNode;
    this.regions = Object.keys(root.states);
    for (const r of this.regions) {
      const region = root.states[r] as AnyStateNode;
      const perLeaf = new Map<string, Map<string, readonly CompiledTransition[]>>();
      for (const [leaf, node] of Object.entries(region.states)) {
        const perEvent = new Map<string, readonly CompiledTransition[]>();
        for (const [type, defs] of (node as AnyStateNode).transitions as Map<string, readonly DefLike[]>) {
          perEvent.set(type, defs.map((d) => this.compile(d, impl)));
          const on = this.regionsOn.get(type) ?? [];
          if (on[on.length - 1] !== this.table.length) on.push(this.table.length);
          this.regionsOn.set(type, on);
        }
        perLeaf.set(leaf, perEvent);
      }
      this.table.push(perLeaf);
    }
    for (const [type, on] of this.regionsOn) {
      this.byType.set(type, on.map((r) => {
        const leaves = new Map<string, readonly CompiledTransition[]>();
        for (const [leaf, perEvent] of this.table[r] ?? []) {
          const defs = perEvent.get(type);
          if (defs !== undefined) leaves.set(leaf, defs);
        }
        return { r, region: this.regions[r] as string, leaves };
      }));
    }
  }

  private compile(d: DefLike, impl: { guards: Record<string, unknown>; actions: Record<string, unknown> }): CompiledTransition {
    let guard: GuardImpl | null = null;
    let guardParams: Params = {};
    if (d.guard !== undefined) {
      const g = d.guard;
      const name = typeof g === 'string' ? g : isObj(g) && typeof g['type'] === 'string' ? g['type'] : null;
      const fn = name === null ? undefined : impl.guards[name];
      if (typeof fn !== 'function') throw new Error(`fast stepper: guard ${String(name)} has no implementation`);
      guard = fn as GuardImpl;
      guardParams = isObj(g) && isObj(g['params']) ? (g['params']) : {};
    }
    const actions = d.actions.map((a) => {
      const name = typeof a === 'string' ? a : isObj(a) && typeof a['type'] === 'string' ? a['type'] : null;
      const fn = name === null ? undefined : impl.actions[name];
      const assignment = isObj(fn) || typeof fn === 'function' ? (fn as unknown as { assignment?: unknown }).assignment : undefined;
      if (typeof assignment !== 'function') throw new Error(`fast stepper: action ${String(name)} is not a function assign()`);
      const params = isObj(a) && isObj(a['params']) ? (a['params'] as Params) : {};
      return { fn: assignment as AssignFn, params };
    });
    const tgt = d.target?.[0];
    return { def: d, target: tgt === undefined ? null : tgt.key, guard, guardParams, actions };
  }

  initial(s0: { readonly value: unknown; readonly context: SysContext }): FastSnapshot {
    return { value: { ...(s0.value as Record<string, string>) }, context: s0.context };
  }

  /** One macrostep; returns the same object when nothing is enabled. `taken` receives the transitions. */
  step(s: FastSnapshot, e: SysEvent, taken?: TakenTransition[]): FastSnapshot {
    const args = { context: s.context, event: e };
    const on = this.byType.get(e.type);
    if (on === undefined) return s;
    const cr = this.chosenR;
    const ct = this.chosenT;
    let nChosen = 0;
    for (let k = 0; k < on.length; k++) {
      const o = on[k] as (typeof on)[number];
      const defs = o.leaves.get(s.value[o.region] ?? '');
      if (defs === undefined) continue;
      for (let d = 0; d < defs.length; d++) {
        const t = defs[d] as CompiledTransition;
        if (t.guard === null || t.guard(args, t.guardParams)) {
          cr[nChosen] = o.r;
          ct[nChosen++] = t;
          break;
        }
      }
    }
    if (nChosen === 0) return s;
    // one copy of the context per step: later assigns see earlier ones' results, the arrays they
    // return are new (the rules never mutate), so updating our own copy in place is the same
    let ctx = s.context;
    let own = false;
    let value: Record<string, string> | null = null;
    for (let k = 0; k < nChosen; k++) {
      const t = ct[k] as CompiledTransition;
      for (const a of t.actions) {
        const part = a.fn({ context: ctx, event: e }, a.params);
        if (own) Object.assign(ctx as unknown as Record<string, unknown>, part);
        else {
          ctx = { ...ctx, ...part };
          own = true;
        }
      }
      if (t.target !== null) {
        const region = this.regions[cr[k] as number] as string;
        if (s.value[region] !== t.target) (value ??= { ...s.value })[region] = t.target;
      }
      taken?.push(t.def);
    }
    return { value: value ?? s.value, context: ctx };
  }

}
