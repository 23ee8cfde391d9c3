/**
 * The model side of a variant: named rules of the model replaced through `machine.provide(...)`.
 * A rule change is a `Semantics` knob with another value (system.ts); the guards and actions it
 * names are rebuilt by the same factories from the changed semantics, everything else keeps the
 * correct rules. For a change no knob covers, `provide` gives guard/action implementations of
 * its own, written against `Rules` (the same helpers the correct rules use).
 */
import {
  CORRECT_SEMANTICS, Rules, makeActions, makeGuards, type ActionImpl, type ActionName, type GuardImpl, type GuardName,
  type Semantics, type SystemMachine,
} from './system.js';
import type { CompiledWorkload } from './workload.js';

export interface ModelRules {
  /** Knobs with another value than CORRECT_SEMANTICS. */
  readonly semantics?: Partial<Semantics>;
  /** Guards rebuilt from the changed semantics. */
  readonly guards?: readonly GuardName[];
  /** Actions rebuilt from the changed semantics. */
  readonly actions?: readonly ActionName[];
  /** Own implementations (applied after the rebuilt ones). */
  readonly provide?: (rules: Rules) => {
    readonly guards?: Partial<Record<GuardName, GuardImpl>>;
    readonly actions?: Partial<Record<ActionName, ActionImpl>>;
  };
}

/** What the explorer needs of a variant: its rules, and how a replay line names it. */
export interface ModelVariant {
  readonly id: string;
  readonly rules: ModelRules;
  /** The CLI argument that selects it again (`--fault ID` or `--variant FILE`), for replay lines. */
  readonly cliArg: string;
}

export class VariantRulesError extends Error {
  override readonly name = 'VariantRulesError';
}

/** Throws a one-line error if `rules` names a knob, guard or action the model does not have. */
export function checkModelRules(where: string, rules: ModelRules, cw: CompiledWorkload): void {
  const g = makeGuards(new Rules(cw, CORRECT_SEMANTICS));
  const a = makeActions(new Rules(cw, CORRECT_SEMANTICS));
  for (const k of Object.keys(rules.semantics ?? {})) {
    if (!(k in CORRECT_SEMANTICS)) throw new VariantRulesError(`${where}: model.semantics.${k} is not a knob of the model (known: ${Object.keys(CORRECT_SEMANTICS).join(', ')})`);
  }
  for (const k of rules.guards ?? []) if (!(k in g)) throw new VariantRulesError(`${where}: model.guards names '${k}', not a guard of the model`);
  for (const k of rules.actions ?? []) if (!(k in a)) throw new VariantRulesError(`${where}: model.actions names '${k}', not an action of the model`);
}

/** The machine with the variant's rules provided. */
export function applyModelRules(machine: SystemMachine, cw: CompiledWorkload, r: ModelRules): SystemMachine {
  const rules = new Rules(cw, { ...CORRECT_SEMANTICS, ...r.semantics });
  const g = makeGuards(rules);
  const a = makeActions(rules);
  const pg: Record<string, unknown> = {};
  const pa: Record<string, unknown> = {};
  for (const k of r.guards ?? []) pg[k] = g[k];
  for (const k of r.actions ?? []) pa[k] = a[k];
  const own = r.provide?.(rules);
  Object.assign(pg, own?.guards ?? {});
  Object.assign(pa, own?.actions ?? {});
  return machine.provide({ guards: pg, actions: pa });
}
