/** The C litmus parser: the kernel's format, and one line naming file:line for what it does not model. */
import { describe, expect, it } from 'vitest';
import type { Stmt } from '../../litmus/ast.js';
import { LitmusInputError, LitmusUnsupportedError } from '../../litmus/errors.js';
import { parseLitmus } from '../../litmus/parse.js';

const MP = `C MP+test

(*
 * Result: Never (* nested *)
 *)

{
	int x = 0;
	int *p = &x;
	0:r9 = 7;
	y=2;
}

P0(int *x, int *y) // a comment
{
	WRITE_ONCE(*x, 1); /* another */
	smp_store_release(y, 1);
}

P1(int *x, int *y, int **p)
{
	int r0, r1;
	int *r2;

	r0 = smp_load_acquire(y);
	if (r0 == 1) {
		r1 = READ_ONCE(*x);
	} else
		r1 = 3;
	r2 = READ_ONCE(*p);
}

locations [x; 1:r2]
exists (1:r0=1 /\\ ~(1:r1=0 \\/ x=2) /\\ 1:r2=x)
`;

function unsupported(src: string): LitmusUnsupportedError {
  try {
    parseLitmus(src, 'bad.litmus');
  } catch (e) {
    expect(e).toBeInstanceOf(LitmusUnsupportedError);
    expect((e as Error).message).not.toContain('\n');
    return e as LitmusUnsupportedError;
  }
  throw new Error('expected an unsupported construct');
}

const wrap = (body: string, tail = 'exists (0:r0=1)'): string => `C T\n{}\nP0(int *x, spinlock_t *s)\n{\n\tint r0;\n${body}\n}\n${tail}\n`;

describe('parseLitmus', () => {
  it('reads the name, init block (values, pointers, registers), threads and the condition', () => {
    const t = parseLitmus(MP, 'mp.litmus');
    expect(t.name).toBe('MP+test');
    expect([...t.init]).toEqual([['x', 0], ['p', { loc: 'x' }], ['y', 2]]);
    expect([...t.regInit]).toEqual([['0:r9', 7]]);
    expect(t.threads.map((th) => th.params)).toEqual([['x', 'y'], ['x', 'y', 'p']]);
    expect(t.threads[1]?.registers).toEqual(['r0', 'r1', 'r2']);
    expect(t.condition.quantifier).toBe('exists');
    expect(t.condition.text).toBe('exists (1:r0=1 /\\ ~(1:r1=0 \\/ x=2) /\\ 1:r2=x)');
    expect(t.locations).toEqual([{ k: 'mem', loc: 'x' }, { k: 'reg', thread: 1, reg: 'r2' }]);
  });

  it('keeps `(*x)` inside thread code as code, and builds the if with both arms', () => {
    const t = parseLitmus('C T\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tif (r0) WRITE_ONCE(*x, 2); else WRITE_ONCE(*x, 3);\n}\n~exists (0:r0=1)\n', 't.litmus');
    const body = t.threads[0]?.body ?? [];
    expect(body.map((s: Stmt) => s.k)).toEqual(['assign', 'if']);
    const ifs = body[1];
    expect(ifs?.k === 'if' && [ifs.then.length, ifs.else.length]).toEqual([1, 1]);
    expect(t.condition.quantifier).toBe('~exists');
  });

  it('accepts forall and undeclared registers (as herd7 does)', () => {
    const t = parseLitmus('C T\n{}\nP0(int *x)\n{\n\tr1 = xchg_relaxed(x, 1);\n}\nforall (0:r1=0)\n', 't.litmus');
    expect(t.threads[0]?.registers).toEqual(['r1']);
    expect(t.condition.quantifier).toBe('forall');
  });

  it.each([
    ['spin_lock(s);', /bad\.litmus:6: unsupported: spinlocks: spin_lock\(\)/],
    ['rcu_read_lock();', /bad\.litmus:6: unsupported: RCU: rcu_read_lock\(\)/],
    ['synchronize_srcu(s);', /bad\.litmus:6: unsupported: SRCU/],
    ['r0 = smp_cond_load_acquire(x, VAL);', /:6: unsupported: smp_cond_load_\*\(\)/],
    ['*x = 1;', /:6: unsupported: plain \(unmarked\) access/],
    ['r0 = *x;', /:6: unsupported: plain \(unmarked\) access/],
    ['while (r0 == 0) r0 = READ_ONCE(*x);', /:6: unsupported: loop 'while'/],
    ['r0 = foo(x);', /:6: unsupported: call to foo\(\)/],
    ['r0 = r0 ? 1 : 2;', /:6: unsupported: conditional expression/],
  ])('%s → one line naming file:line and the construct', (body, re) => {
    expect(unsupported(wrap(`\t${body}`)).message).toMatch(re);
  });

  it('a filter clause, another architecture: unsupported, named', () => {
    expect(unsupported(wrap('\tr0 = READ_ONCE(*x);', 'filter (0:r0=1)\nexists (0:r0=1)')).message).toMatch(/bad\.litmus:8: unsupported: filter clause/);
    expect(unsupported('X86 SB\n{}\n').message).toMatch(/bad\.litmus:1: unsupported: litmus for architecture 'X86'/);
  });

  it.each([
    ['C T\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n', /missing final condition/],
    ['C T\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n', /:6: unterminated block/],
    ['C T\n{}\nP1(int *x)\n{\n}\nexists (x=1)\n', /:3: thread P1 out of order/],
    ['C T\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(x, 1);\n}\nexists (x=1)\n', /:5: WRITE_ONCE\(\) takes '\*pointer'/],
    ['C T\n{}\nP0(int *x)\n{\n}\nexists (1:r0=1)\n', /thread 1, which does not exist/],
    ['C T\n{}\nP0(int *x)\n{\n}\nexists (y=1)\n', /location y, which no thread uses/],
    ['nothing here', /expected 'C NAME'|architecture/],
  ])('malformed input is one line with file:line: %#', (src, re) => {
    let err: unknown;
    try { parseLitmus(src, 'bad.litmus'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(LitmusInputError);
    expect((err as Error).message).toMatch(/^bad\.litmus:\d+: /);
    expect((err as Error).message).toMatch(re);
  });
});
