/**
 * Parser of the kernel's C litmus format (tools/memory-model/litmus-tests): a `C name` line, an
 * optional `(* … *)` comment, the init block `{ x=0; 0:r1=0; int *p = &x; … }`, threads
 * `P0(int *x, atomic_t *y) { … }` written in a C subset (registers, READ_ONCE/WRITE_ONCE and the
 * other primitives of litmus/primitives.ts, simple expressions, `if`/`else`), then optionally
 * `locations [...]` and one `exists` / `~exists` / `forall` condition with `/\`, `\/`, `~`.
 *
 * Anything outside that subset — loops, plain (unmarked) accesses, spinlocks, RCU, `filter`, an
 * unknown call — stops with one LitmusUnsupportedError naming the file, line and construct.
 */
import type { Atom, BinOp, Condition, Expr, LitmusTest, Observed, Prop, Quantifier, Stmt, Thread, Val } from './ast.js';
import { showVal } from './ast.js';
import { LitmusInputError, LitmusUnsupportedError } from './errors.js';
import { arity, KNOWN_UNSUPPORTED, primitive } from './primitives.js';

type TokKind = 'id' | 'num' | 'punct' | 'eof';
interface Tok { readonly kind: TokKind; readonly text: string; readonly line: number; readonly pos: number; readonly end: number }

const PUNCT = ['/\\', '\\/', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '|=', '&=', '^=', '++', '--', '->',
  '(', ')', '{', '}', '[', ']', ';', ',', '*', '&', '=', '<', '>', '+', '-', '!', '~', '|', '^', '/', '%', ':', '?', '.'];

const TYPE_WORDS = new Set(['int', 'long', 'unsigned', 'signed', 'short', 'char', 'bool', 'u8', 'u16', 'u32', 'u64', 's32', 's64',
  'intptr_t', 'uintptr_t', 'atomic_t', 'atomic_long_t', 'spinlock_t', 'const', 'volatile']);

/** `litmus`: herd's own syntax, where `(* … *)` is a comment; `c`: inside thread bodies, where `(*x)` is code. */
type Mode = 'litmus' | 'c';

class Lexer {
  pos = 0;
  line = 1;
  mode: Mode = 'litmus';
  constructor(readonly src: string, readonly file: string) {}

  fail(line: number, msg: string): never {
    throw new LitmusInputError(this.file, line, msg);
  }

  private skip(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) return;
      if (c === '\n') { this.line++; this.pos++; continue; }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\f') { this.pos++; continue; }
      if (c === '/' && s[this.pos + 1] === '/') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '/' && s[this.pos + 1] === '*') {
        const start = this.line;
        this.pos += 2;
        while (this.pos < s.length && !(s[this.pos] === '*' && s[this.pos + 1] === '/')) { if (s[this.pos] === '\n') this.line++; this.pos++; }
        if (this.pos >= s.length) this.fail(start, 'unterminated /* comment');
        this.pos += 2;
        continue;
      }
      if (this.mode === 'litmus' && c === '(' && s[this.pos + 1] === '*') {
        const start = this.line;
        let depth = 0;
        while (this.pos < s.length) {
          if (s[this.pos] === '(' && s[this.pos + 1] === '*') { depth++; this.pos += 2; continue; }
          if (s[this.pos] === '*' && s[this.pos + 1] === ')') { depth--; this.pos += 2; if (depth === 0) break; continue; }
          if (s[this.pos] === '\n') this.line++;
          this.pos++;
        }
        if (depth !== 0) this.fail(start, 'unterminated (* comment');
        continue;
      }
      return;
    }
  }

  peek(): Tok {
    const savePos = this.pos;
    const saveLine = this.line;
    const t = this.next();
    this.pos = savePos;
    this.line = saveLine;
    return t;
  }

  next(): Tok {
    this.skip();
    const s = this.src;
    const pos = this.pos;
    const line = this.line;
    const c = s[pos];
    if (c === undefined) return { kind: 'eof', text: '', line, pos, end: pos };
    if (/[A-Za-z_]/.test(c)) {
      let e = pos + 1;
      while (e < s.length && /[A-Za-z0-9_]/.test(s[e] ?? '')) e++;
      this.pos = e;
      return { kind: 'id', text: s.slice(pos, e), line, pos, end: e };
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(s.slice(pos, pos + 40));
      const text = m?.[1] ?? c;
      this.pos = pos + (m?.[0].length ?? 1);
      return { kind: 'num', text, line, pos, end: this.pos };
    }
    for (const p of PUNCT) {
      if (s.startsWith(p, pos)) {
        this.pos = pos + p.length;
        return { kind: 'punct', text: p, line, pos, end: this.pos };
      }
    }
    return this.fail(line, `unexpected character '${c}'`);
  }
}

/** The pieces of one thread under construction. */
interface Scope {
  readonly params: ReadonlySet<string>;
  readonly registers: string[];
}

/**
 * `rewrite`: a variant's primitive rewrites (variants/format.ts `litmus`), already checked with
 * `rewriteProblem`: each call of a key is parsed as a call of its value (`none`: a dropped fence).
 */
export function parseLitmus(src: string, file: string, rewrite: ReadonlyMap<string, string> = new Map()): LitmusTest {
  return new Parser(src, file, rewrite).parse();
}

class Parser {
  private readonly lx: Lexer;
  constructor(src: string, readonly file: string, private readonly rewrite: ReadonlyMap<string, string> = new Map()) {
    this.lx = new Lexer(src, file);
  }

  private fail(line: number, msg: string): never {
    throw new LitmusInputError(this.file, line, msg);
  }

  private unsupported(line: number, what: string): never {
    throw new LitmusUnsupportedError(this.file, line, what);
  }

  private expect(text: string): Tok {
    const t = this.lx.next();
    if (t.text !== text || t.kind === 'eof') this.fail(t.line, `expected '${text}', found ${t.kind === 'eof' ? 'end of file' : `'${t.text}'`}`);
    return t;
  }

  private accept(text: string): boolean {
    const t = this.lx.peek();
    if (t.kind !== 'eof' && t.text === text) { this.lx.next(); return true; }
    return false;
  }

  parse(): LitmusTest {
    const name = this.header();
    const init = new Map<string, Val>();
    const regInit = new Map<string, Val>();
    const initLines = new Map<string, number>();
    if (this.lx.peek().text === '{') this.initBlock(init, regInit, initLines);
    const threads: Thread[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (t.kind === 'id' && /^P\d+$/.test(t.text)) {
        if (t.text !== `P${threads.length}`) this.fail(t.line, `thread ${t.text} out of order (expected P${threads.length})`);
        threads.push(this.thread());
        continue;
      }
      break;
    }
    if (threads.length === 0) this.fail(this.lx.peek().line, 'no threads (expected P0(...) { ... })');
    let locations: Observed[] = [];
    let condition: Condition | undefined;
    for (;;) {
      const t = this.lx.peek();
      if (t.kind === 'eof') break;
      if (condition !== undefined) this.fail(t.line, `unexpected '${t.text}' after the condition`);
      if (t.text === 'locations') { this.lx.next(); locations = this.locations(); continue; }
      if (t.text === 'filter') this.unsupported(t.line, 'filter clause');
      if (t.text === 'exists' || t.text === 'forall' || t.text === '~') { condition = this.condition(); continue; }
      if (t.kind === 'id' && /^P\d+$/.test(t.text)) this.fail(t.line, `thread ${t.text} out of order`);
      this.fail(t.line, `unexpected '${t.text}' (expected exists, ~exists, forall or locations)`);
    }
    if (condition === undefined) this.fail(this.lx.line, 'missing final condition (exists / ~exists / forall)');
    // Every location named anywhere starts at 0 unless the init block says otherwise.
    const mention = (loc: string): void => { if (!init.has(loc)) init.set(loc, 0); };
    for (const th of threads) th.params.forEach(mention);
    for (const v of [...init.values(), ...regInit.values()]) if (typeof v !== 'number') mention(v.loc);
    const checkAtom = (a: Atom | Observed): void => {
      if (a.k === 'reg') {
        const th = threads[a.thread];
        if (th === undefined) this.fail(this.lx.line, `condition names thread ${a.thread}, which does not exist`);
        if (!th.registers.includes(a.reg) && !regInit.has(`${a.thread}:${a.reg}`)) this.fail(this.lx.line, `condition names ${a.thread}:${a.reg}, not a register of P${a.thread}`);
      } else if (!init.has(a.loc)) this.fail(this.lx.line, `condition names location ${a.loc}, which no thread uses`);
      if ('v' in a && typeof a.v !== 'number') mention(a.v.loc);
    };
    const walk = (p: Prop): void => {
      if (p.k === 'atom') checkAtom(p.atom);
      else if (p.k === 'not') walk(p.p);
      else if (p.k === 'and' || p.k === 'or') { walk(p.a); walk(p.b); }
    };
    walk(condition.prop);
    locations.forEach(checkAtom);
    return { name, file: this.file, init, regInit, threads, condition, locations };
  }

  private header(): string {
    const src = this.lx.src;
    const m = /^(\s*)C[ \t]+(\S+)[^\n]*/.exec(src);
    if (m === null) {
      const arch = /^\s*(\S+)/.exec(src)?.[1];
      if (arch !== undefined && /^[A-Za-z0-9]+$/.test(arch) && arch !== 'C') this.unsupported(1, `litmus for architecture '${arch}' (only C litmus tests)`);
      this.fail(1, "expected 'C NAME' as the first line");
    }
    const lead = m[1] ?? '';
    this.lx.line = 1 + (lead.match(/\n/g)?.length ?? 0);
    this.lx.pos = m[0].length;
    return m[2] ?? '';
  }

  private value(): Val {
    const t = this.lx.next();
    if (t.text === '-') { const n = this.lx.next(); if (n.kind !== 'num') this.fail(n.line, `expected a number after '-'`); return -Number(n.text); }
    if (t.kind === 'num') return Number(t.text);
    if (t.text === '&') { const n = this.lx.next(); if (n.kind !== 'id') this.fail(n.line, `expected a location after '&'`); return { loc: n.text }; }
    if (t.kind === 'id') {
      if (t.text === 'ATOMIC_INIT') { this.expect('('); const v = this.value(); this.expect(')'); return v; }
      if (t.text === 'NULL') return 0;
      return { loc: t.text };
    }
    return this.fail(t.line, `expected a value, found '${t.text}'`);
  }

  private initBlock(init: Map<string, Val>, regInit: Map<string, Val>, lines: Map<string, number>): void {
    this.expect('{');
    for (;;) {
      if (this.accept('}')) return;
      if (this.accept(';')) continue;
      const t = this.lx.peek();
      if (t.kind === 'eof') this.fail(t.line, "unterminated init block (missing '}')");
      if (t.kind === 'num') {
        this.lx.next();
        this.expect(':');
        const r = this.lx.next();
        if (r.kind !== 'id') this.fail(r.line, 'expected a register name');
        this.expect('=');
        regInit.set(`${t.text}:${r.text}`, this.value());
        continue;
      }
      // [type words] [*]* name [= value]
      let name: Tok | undefined;
      for (;;) {
        const w = this.lx.next();
        if (w.text === '*') continue;
        if (w.kind !== 'id') this.fail(w.line, `unexpected '${w.text}' in the init block`);
        if (TYPE_WORDS.has(w.text) || w.text === 'struct') continue;
        name = w;
        break;
      }
      if (this.lx.peek().text === '[') this.unsupported(name.line, `array '${name.text}[...]'`);
      if (this.lx.peek().text === '.' || this.lx.peek().text === '->') this.unsupported(name.line, `struct field of '${name.text}'`);
      if (lines.has(name.text)) this.fail(name.line, `location ${name.text} initialised twice`);
      lines.set(name.text, name.line);
      init.set(name.text, this.accept('=') ? this.value() : 0);
      const sep = this.lx.peek();
      if (sep.text !== ';' && sep.text !== '}') this.fail(sep.line, `expected ';' after the initialisation of ${name.text}`);
    }
  }

  private thread(): Thread {
    const head = this.lx.next();
    const id = Number(head.text.slice(1));
    this.lx.mode = 'c';
    this.expect('(');
    const params: string[] = [];
    if (!this.accept(')')) {
      for (;;) {
        let name: string | undefined;
        for (;;) {
          const w = this.lx.next();
          if (w.text === '*') continue;
          if (w.kind !== 'id') this.fail(w.line, `unexpected '${w.text}' in the parameters of ${head.text}`);
          if (TYPE_WORDS.has(w.text) || w.text === 'struct') continue;
          if (w.text === 'void' && params.length === 0 && this.lx.peek().text === ')') break;
          name = w.text;
          break;
        }
        if (name !== undefined) params.push(name);
        if (this.accept(')')) break;
        this.expect(',');
      }
    }
    const scope: Scope = { params: new Set(params), registers: [] };
    this.expect('{');
    const body = this.block(scope);
    this.lx.mode = 'litmus';
    return { id, params, body, registers: scope.registers };
  }

  /** Statements up to and including the closing '}'. */
  private block(scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (t.kind === 'eof') this.fail(t.line, "unterminated block (missing '}')");
      if (t.text === '}') { this.lx.next(); return out; }
      out.push(...this.statement(scope));
    }
  }

  private addRegister(scope: Scope, name: string): void {
    if (!scope.registers.includes(name)) scope.registers.push(name);
  }

  private statement(scope: Scope): Stmt[] {
    const t = this.lx.peek();
    if (t.text === '{' && t.kind === 'punct') { this.lx.next(); return this.block(scope); }
    if (t.text === ';' && t.kind === 'punct') { this.lx.next(); return []; }
    if (t.kind === 'id') {
      if (['while', 'for', 'do'].includes(t.text)) this.unsupported(t.line, `loop '${t.text}'`);
      if (['switch', 'goto', 'return', 'break', 'continue'].includes(t.text)) this.unsupported(t.line, `'${t.text}' statement`);
      if (TYPE_WORDS.has(t.text)) return this.declaration(scope);
      if (t.text === 'if') return [this.ifStatement(scope)];
    }
    if (t.text === '*' && t.kind === 'punct') this.unsupported(t.line, 'plain (unmarked) access through a pointer; use READ_ONCE/WRITE_ONCE');
    if (t.kind === 'id') {
      // assignment to a register?
      const save = { pos: this.lx.pos, line: this.lx.line };
      this.lx.next();
      const op = this.lx.peek();
      if (op.kind === 'punct' && ['=', '+=', '-=', '|=', '&=', '^=', '++', '--'].includes(op.text)) {
        this.lx.next();
        if (scope.params.has(t.text)) this.unsupported(t.line, `plain (unmarked) assignment to the pointer '${t.text}'`);
        this.addRegister(scope, t.text);
        let e: Expr;
        const reg: Expr = { k: 'reg', name: t.text };
        if (op.text === '++' || op.text === '--') e = { k: 'bin', op: op.text === '++' ? '+' : '-', a: reg, b: { k: 'num', v: 1 } };
        else {
          const rhs = this.expr(scope);
          e = op.text === '=' ? rhs : { k: 'bin', op: op.text[0] as BinOp, a: reg, b: rhs };
        }
        this.expect(';');
        return [{ k: 'assign', reg: t.text, e, line: t.line }];
      }
      this.lx.pos = save.pos;
      this.lx.line = save.line;
    }
    const e = this.expr(scope);
    this.expect(';');
    return [{ k: 'expr', e, line: t.line }];
  }

  private declaration(scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    while (TYPE_WORDS.has(this.lx.peek().text)) {
      const w = this.lx.next();
      if (w.text === 'spinlock_t') this.unsupported(w.line, 'spinlocks');
    }
    for (;;) {
      while (this.accept('*')) { /* pointer register */ }
      const n = this.lx.next();
      if (n.kind !== 'id') this.fail(n.line, `expected a register name, found '${n.text}'`);
      if (this.lx.peek().text === '[') this.unsupported(n.line, `local array '${n.text}[...]'`);
      this.addRegister(scope, n.text);
      if (this.accept('=')) out.push({ k: 'assign', reg: n.text, e: this.expr(scope), line: n.line });
      if (this.accept(';')) return out;
      this.expect(',');
    }
  }

  private ifStatement(scope: Scope): Stmt {
    const t = this.lx.next();
    this.expect('(');
    const cond = this.expr(scope);
    this.expect(')');
    const then = this.statement(scope);
    let els: Stmt[] = [];
    if (this.lx.peek().text === 'else') { this.lx.next(); els = this.statement(scope); }
    return { k: 'if', cond, then, else: els, line: t.line };
  }

  private static readonly PREC: ReadonlyMap<string, number> = new Map([
    ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['==', 6], ['!=', 6], ['<', 7], ['>', 7], ['<=', 7], ['>=', 7],
    ['<<', 8], ['>>', 8], ['+', 9], ['-', 9], ['*', 10], ['/', 10], ['%', 10],
  ]);

  private expr(scope: Scope, minPrec = 1): Expr {
    let a = this.unary(scope);
    for (;;) {
      const t = this.lx.peek();
      if (t.text === '?' && t.kind === 'punct') this.unsupported(t.line, "conditional expression '?:'");
      const p = t.kind === 'punct' ? Parser.PREC.get(t.text) : undefined;
      if (p === undefined || p < minPrec) return a;
      this.lx.next();
      const b = this.expr(scope, p + 1);
      a = { k: 'bin', op: t.text as BinOp, a, b };
    }
  }

  private unary(scope: Scope): Expr {
    const t = this.lx.peek();
    if (t.kind === 'punct') {
      if (t.text === '-' || t.text === '!' || t.text === '~') { this.lx.next(); return { k: 'un', op: t.text, e: this.unary(scope) }; }
      if (t.text === '*') this.unsupported(t.line, 'plain (unmarked) access through a pointer; use READ_ONCE/WRITE_ONCE');
      if (t.text === '&') this.unsupported(t.line, "address-of '&' in thread code");
      if (t.text === '(') {
        this.lx.next();
        if (TYPE_WORDS.has(this.lx.peek().text) || this.lx.peek().text === 'void') {
          // a cast: (void), (int), (int *) — no effect on the value
          while (this.lx.peek().text !== ')') { const w = this.lx.next(); if (w.kind === 'eof') this.fail(w.line, "unterminated cast"); }
          this.lx.next();
          return this.unary(scope);
        }
        const e = this.expr(scope);
        this.expect(')');
        return e;
      }
    }
    return this.postfix(scope, this.primary(scope));
  }

  private postfix(_scope: Scope, e: Expr): Expr {
    const t = this.lx.peek();
    if (t.kind === 'punct' && (t.text === '[' || t.text === '.' || t.text === '->')) this.unsupported(t.line, `'${t.text}' (arrays and structs)`);
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) this.unsupported(t.line, `'${t.text}' inside an expression`);
    return e;
  }

  private primary(scope: Scope): Expr {
    const t = this.lx.next();
    if (t.kind === 'num') return { k: 'num', v: Number(t.text) };
    if (t.kind === 'id') {
      if (this.lx.peek().text === '(') return this.call(scope, t);
      if (t.text === 'NULL') return { k: 'num', v: 0 };
      if (t.text === 'true') return { k: 'num', v: 1 };
      if (t.text === 'false') return { k: 'num', v: 0 };
      if (scope.params.has(t.text)) return { k: 'loc', name: t.text };
      this.addRegister(scope, t.text);
      return { k: 'reg', name: t.text };
    }
    return this.fail(t.line, t.kind === 'eof' ? 'unexpected end of file in an expression' : `unexpected '${t.text}' in an expression`);
  }

  private call(scope: Scope, fn: Tok): Expr {
    const prim = primitive(fn.text);
    if (prim === undefined) {
      for (const [re, what] of KNOWN_UNSUPPORTED) if (re.test(fn.text)) this.unsupported(fn.line, `${what}: ${fn.text}()`);
      this.unsupported(fn.line, `call to ${fn.text}()`);
    }
    this.expect('(');
    const args: Expr[] = [];
    if (prim.kind === 'load' || prim.kind === 'store') {
      if (prim.deref) {
        const star = this.lx.next();
        if (star.text !== '*') this.fail(star.line, `${fn.text}() takes '*pointer' as its first argument`);
        args.push(this.unary(scope));
      } else args.push(this.expr(scope));
      if (prim.kind === 'store') { this.expect(','); args.push(this.expr(scope)); }
    } else if (this.lx.peek().text !== ')') {
      for (;;) {
        args.push(this.expr(scope));
        if (this.lx.peek().text === ')') break;
        this.expect(',');
      }
    }
    this.expect(')');
    if (args.length !== arity(prim)) this.fail(fn.line, `${fn.text}() takes ${arity(prim)} argument(s), found ${args.length}`);
    // a variant's rewrite: same arguments, the other primitive's ordering (a dropped fence does nothing)
    const as = this.rewrite.get(fn.text);
    if (as === 'none') return { k: 'num', v: 0 };
    return { k: 'call', fn: as ?? fn.text, args, line: fn.line };
  }

  private locations(): Observed[] {
    this.expect('[');
    const out: Observed[] = [];
    for (;;) {
      if (this.accept(']')) return out;
      if (this.accept(';')) continue;
      const t = this.lx.next();
      if (t.kind === 'num') {
        this.expect(':');
        const r = this.lx.next();
        if (r.kind !== 'id') this.fail(r.line, 'expected a register name in locations');
        out.push({ k: 'reg', thread: Number(t.text), reg: r.text });
      } else if (t.kind === 'id') out.push({ k: 'mem', loc: t.text });
      else this.fail(t.line, `unexpected '${t.text}' in locations [...]`);
    }
  }

  private condition(): Condition {
    let quantifier: Quantifier;
    const t = this.lx.next();
    if (t.text === '~') {
      const e = this.lx.next();
      if (e.text !== 'exists') this.fail(e.line, "expected 'exists' after '~'");
      quantifier = '~exists';
    } else quantifier = t.text === 'forall' ? 'forall' : 'exists';
    const prop = this.disj();
    return { quantifier, prop, text: `${quantifier} (${showProp(prop)})` };
  }

  private disj(): Prop {
    let a = this.conj();
    while (this.accept('\\/')) a = { k: 'or', a, b: this.conj() };
    return a;
  }

  private conj(): Prop {
    let a = this.propUnary();
    while (this.accept('/\\')) a = { k: 'and', a, b: this.propUnary() };
    return a;
  }

  private propUnary(): Prop {
    const t = this.lx.peek();
    if (t.text === '~' || t.text === 'not') { this.lx.next(); return { k: 'not', p: this.propUnary() }; }
    if (t.text === '(') { this.lx.next(); const p = this.disj(); this.expect(')'); return p; }
    if (t.text === 'true' || t.text === 'false') { this.lx.next(); return { k: 'const', v: t.text === 'true' }; }
    return { k: 'atom', atom: this.atom() };
  }

  private atom(): Atom {
    const t = this.lx.next();
    if (t.kind === 'num') {
      this.expect(':');
      const r = this.lx.next();
      if (r.kind !== 'id') this.fail(r.line, 'expected a register name in the condition');
      this.expect('=');
      return { k: 'reg', thread: Number(t.text), reg: r.text, v: this.value() };
    }
    if (t.kind === 'id') {
      if (this.lx.peek().text === '=' ) { this.lx.next(); return { k: 'mem', loc: t.text, v: this.value() }; }
      const n = this.lx.peek();
      if (n.text === '!=' || n.text === '==') this.unsupported(n.line, `'${n.text}' in the condition (herd's syntax is x=v)`);
      this.fail(n.line, `expected '=' after ${t.text}`);
    }
    if (t.text === '*' || t.text === '[') this.unsupported(t.line, `'${t.text}' in the condition`);
    return this.fail(t.line, t.kind === 'eof' ? 'unexpected end of file in the condition' : `unexpected '${t.text}' in the condition`);
  }
}

export function showAtom(a: Atom): string {
  return a.k === 'reg' ? `${a.thread}:${a.reg}=${showVal(a.v)}` : `${a.loc}=${showVal(a.v)}`;
}

/** herd's rendering: `/\` binds tighter than `\/`; parentheses only where needed. */
export function showProp(p: Prop): string {
  switch (p.k) {
    case 'atom': return showAtom(p.atom);
    case 'const': return p.v ? 'true' : 'false';
    case 'not': return `~${p.p.k === 'atom' || p.p.k === 'const' || p.p.k === 'not' ? showProp(p.p) : `(${showProp(p.p)})`}`;
    case 'and': return [p.a, p.b].map((x) => (x.k === 'or' ? `(${showProp(x)})` : showProp(x))).join(' /\\ ');
    case 'or': return `${showProp(p.a)} \\/ ${showProp(p.b)}`;
  }
}
