/**
 * The parsed form of a C litmus test (the kernel's tools/memory-model/litmus-tests format): the
 * `C name` line, the init block, one `Pn(...) { ... }` per thread, and the final condition.
 */

/** A value: an integer, or a pointer to a shared location (its name). */
export type Val = number | { readonly loc: string };

export function isPointer(v: Val): v is { readonly loc: string } {
  return typeof v !== 'number';
}

export function valEq(a: Val, b: Val): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.loc === b.loc;
}

export function showVal(v: Val): string {
  return typeof v === 'number' ? String(v) : v.loc;
}

export type Expr =
  | { readonly k: 'num'; readonly v: number }
  /** a thread register */
  | { readonly k: 'reg'; readonly name: string }
  /** a thread parameter: the pointer to that shared location */
  | { readonly k: 'loc'; readonly name: string }
  | { readonly k: 'un'; readonly op: '-' | '!' | '~'; readonly e: Expr }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: Expr; readonly b: Expr }
  /** a call of a supported primitive (litmus/primitives.ts), with its source line */
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly line: number };

export type BinOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';

export type Stmt =
  | { readonly k: 'assign'; readonly reg: string; readonly e: Expr; readonly line: number }
  | { readonly k: 'expr'; readonly e: Expr; readonly line: number }
  | { readonly k: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[]; readonly line: number };

export interface Thread {
  readonly id: number;
  /** parameter names = the shared locations this thread may name */
  readonly params: readonly string[];
  readonly body: readonly Stmt[];
  /** registers in first-seen order (declared or assigned) */
  readonly registers: readonly string[];
}

/** A condition atom: `0:r0=1` (register) or `x=1` (final value of a location). */
export type Atom =
  | { readonly k: 'reg'; readonly thread: number; readonly reg: string; readonly v: Val }
  | { readonly k: 'mem'; readonly loc: string; readonly v: Val };

export type Prop =
  | { readonly k: 'atom'; readonly atom: Atom }
  | { readonly k: 'not'; readonly p: Prop }
  | { readonly k: 'and'; readonly a: Prop; readonly b: Prop }
  | { readonly k: 'or'; readonly a: Prop; readonly b: Prop }
  | { readonly k: 'const'; readonly v: boolean };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  readonly quantifier: Quantifier;
  readonly prop: Prop;
  /** the condition as written, normalised to one line (herd's `Condition` line) */
  readonly text: string;
}

/** What `locations [...]` asks to print beside the condition's own atoms. */
export type Observed = { readonly k: 'reg'; readonly thread: number; readonly reg: string } | { readonly k: 'mem'; readonly loc: string };

export interface LitmusTest {
  readonly name: string;
  readonly file: string;
  /** initial values; every location a thread names is here (0 unless the init block says) */
  readonly init: ReadonlyMap<string, Val>;
  /** initial register values, `thread:reg` → value */
  readonly regInit: ReadonlyMap<string, Val>;
  readonly threads: readonly Thread[];
  readonly condition: Condition;
  readonly locations: readonly Observed[];
}
