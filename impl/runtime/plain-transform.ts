/**
 * The source transform that gives the threads runtime a form of the protocol without scheduling
 * points (as Loom swaps its atomics at compile time): the SAME protocol source, compiled by the
 * TypeScript compiler API with two transformers.
 *
 * Before TypeScript's own transforms (on the TS AST):
 * - `function*` → `function` (declarations, expressions, methods);
 * - `yield* e` → `e` (the delegated call now returns its value);
 * - `yield STEP` → `__smp_step(c)`, `yield WAIT` → `__smp_wait(c)`, any other `yield e` →
 *   `__smp_yield(c, e)` (decides STEP / WAIT at run time), where `c` is the first parameter of
 *   the enclosing generator (every protocol generator takes its `Ctx` first); the three are the
 *   live bindings of plain-points.ts, which the runtime installs (threads: doorbell check +
 *   watchdog count at a step, spin-then-sleep at a wait);
 * - trace-off build (`trace: false`), the static key: `tracepoint(…)` statements whose arguments
 *   have no side effects are removed and `x.traceOn` reads become `false`, so code under
 *   `if (c.traceOn)` is dead and V8 drops it.
 * After them (on the emitted JS): relative module specifiers are rewritten by `resolveImport`
 * (to another plain module or to the original module), and the import of plain-points.ts is added.
 *
 * What it refuses (`PlainTransformError`, the caller then runs the generator form): a `yield`
 * whose enclosing generator has no identifier first parameter, and code that drives generators
 * by hand (`.next(` / `.throw(` / `.return(` calls, `GeneratorFunction`): in the plain form
 * those would see plain values; a relative dynamic `import('./x.js')` (not rewritten). Identifiers are taken at their word: `STEP`/`WAIT` are the
 * constants of impl/memory.ts, `tracepoint` is impl/trace-ring.ts's and `traceOn` the Ctx field.
 */
import type * as TS from 'typescript';

export class PlainTransformError extends Error {
  override readonly name = 'PlainTransformError';
}

export interface PlainTransformOptions {
  /** Source file name (for messages and the compiler). */
  readonly fileName: string;
  /** The trace-off build (tracepoints compiled out). */
  readonly traceOff: boolean;
  /** New specifier for a relative import, or null to keep it. */
  readonly resolveImport: (specifier: string) => string | null;
  /** URL of plain-points.ts as the plain module imports it. */
  readonly pointsUrl: string;
}

const STEP_FN = '__smp_step';
const WAIT_FN = '__smp_wait';
const YIELD_FN = '__smp_yield';

/** Side-effect free (identifiers, literals, property reads, operators on those). */
function pure(ts: typeof TS, e: TS.Expression): boolean {
  if (ts.isIdentifier(e) || ts.isLiteralExpression(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPropertyAccessExpression(e)) return pure(ts, e.expression);
  if (ts.isParenthesizedExpression(e)) return pure(ts, e.expression);
  if (ts.isPrefixUnaryExpression(e)) return e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken && pure(ts, e.operand);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if (k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) return false;
    return pure(ts, e.left) && pure(ts, e.right);
  }
  if (ts.isConditionalExpression(e)) return pure(ts, e.condition) && pure(ts, e.whenTrue) && pure(ts, e.whenFalse);
  return false;
}

/** The plain (scheduling-point-free) JS of one protocol module. */
export function plainModule(ts: typeof TS, source: string, opt: PlainTransformOptions): string {
  const f = ts.factory;
  const where = (n: TS.Node): string => {
    const sf = n.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return `${opt.fileName}:${line + 1}`;
  };
  let usedPoints = false;

  const before: TS.TransformerFactory<TS.SourceFile> = (context) => {
    const ctxNames: (string | null)[] = [];
    const visit = (node: TS.Node): TS.Node | undefined => {
      if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken !== undefined) {
        const p0 = node.parameters[0];
        ctxNames.push(p0 !== undefined && ts.isIdentifier(p0.name) ? p0.name.text : null);
        const body = node.body === undefined ? undefined : ts.visitEachChild(node.body, visit, context);
        ctxNames.pop();
        const params = ts.visitNodes(node.parameters, visit, ts.isParameter);
        if (ts.isFunctionDeclaration(node)) return f.updateFunctionDeclaration(node, node.modifiers, undefined, node.name, node.typeParameters, params, node.type, body);
        if (ts.isFunctionExpression(node)) return f.updateFunctionExpression(node, node.modifiers, undefined, node.name, node.typeParameters, params, node.type, body ?? f.createBlock([]));
        return f.updateMethodDeclaration(node, node.modifiers, undefined, node.name, node.questionToken, node.typeParameters, params, node.type, body);
      }
      if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) {
        ctxNames.push(null); // a yield cannot reach through a nested non-generator function
        const r = ts.visitEachChild(node, visit, context);
        ctxNames.pop();
        return r;
      }
      if (ts.isYieldExpression(node)) {
        const e = node.expression === undefined ? undefined : (ts.visitNode(node.expression, visit) as TS.Expression);
        if (node.asteriskToken !== undefined) {
          if (e === undefined) throw new PlainTransformError(`${where(node)}: yield* without an operand`);
          return e;
        }
        const c = ctxNames[ctxNames.length - 1] ?? null;
        if (c === null) throw new PlainTransformError(`${where(node)}: yield in a generator whose first parameter is not the Ctx identifier`);
        usedPoints = true;
        const ctx = f.createIdentifier(c);
        if (e !== undefined && ts.isIdentifier(e) && e.text === 'STEP') return f.createCallExpression(f.createIdentifier(STEP_FN), undefined, [ctx]);
        if (e !== undefined && ts.isIdentifier(e) && e.text === 'WAIT') return f.createCallExpression(f.createIdentifier(WAIT_FN), undefined, [ctx]);
        return f.createCallExpression(f.createIdentifier(YIELD_FN), undefined, [ctx, e ?? f.createIdentifier('undefined')]);
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text;
        if (name === 'next' || name === 'throw' || name === 'return') throw new PlainTransformError(`${where(node)}: drives a generator by hand (.${name}()): no plain form`);
      }
      if (ts.isIdentifier(node) && node.text === 'GeneratorFunction') throw new PlainTransformError(`${where(node)}: tests for generator functions: no plain form`);
      if (ts.isStringLiteral(node) && node.text === 'GeneratorFunction') throw new PlainTransformError(`${where(node)}: tests for generator functions: no plain form`);
      if (opt.traceOff) {
        if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression)
          && node.expression.expression.text === 'tracepoint' && node.expression.arguments.every((a) => pure(ts, a))) {
          return f.createEmptyStatement();
        }
        if (ts.isPropertyAccessExpression(node) && node.name.text === 'traceOn' && pure(ts, node.expression)
          && !(ts.isBinaryExpression(node.parent) && node.parent.left === node && node.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)) {
          return f.createFalse();
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sf) => ts.visitNode(sf, visit) as TS.SourceFile;
  };

  const after: TS.TransformerFactory<TS.SourceFile> = (context) => {
    const spec = (s: TS.Expression | undefined): TS.Expression | undefined => {
      if (s === undefined || !ts.isStringLiteral(s)) return s;
      const to = opt.resolveImport(s.text);
      return to === null ? s : f.createStringLiteral(to);
    };
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isImportDeclaration(node)) return f.updateImportDeclaration(node, node.modifiers, node.importClause, spec(node.moduleSpecifier) ?? node.moduleSpecifier, node.attributes);
      if (ts.isExportDeclaration(node)) return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, spec(node.moduleSpecifier), node.attributes);
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const a = node.arguments[0];
        // import(url) of a computed URL (a variant module's, given absolute) is left alone
        if (a !== undefined && ts.isStringLiteral(a) && a.text.startsWith('.')) throw new PlainTransformError(`${opt.fileName}: import('${a.text}'): a relative dynamic import has no plain form`);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sf) => {
      const out = ts.visitEachChild(sf, visit, context);
      if (!usedPoints) return out;
      const imp = f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamedImports([
        f.createImportSpecifier(false, f.createIdentifier('step'), f.createIdentifier(STEP_FN)),
        f.createImportSpecifier(false, f.createIdentifier('wait'), f.createIdentifier(WAIT_FN)),
        f.createImportSpecifier(false, f.createIdentifier('yieldValue'), f.createIdentifier(YIELD_FN)),
      ])), f.createStringLiteral(opt.pointsUrl));
      return f.updateSourceFile(out, [imp, ...out.statements]);
    };
  };

  const r = ts.transpileModule(source, {
    fileName: opt.fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true, sourceMap: false, removeComments: false },
    transformers: { before: [before], after: [after] },
  });
  const errs = (r.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errs.length > 0) throw new PlainTransformError(`${opt.fileName}: ${ts.flattenDiagnosticMessageText(errs[0]?.messageText ?? '', ' ')}`);
  return r.outputText;
}
