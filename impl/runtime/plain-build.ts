/**
 * Builds the plain form of the protocol (plain-transform.ts) at load time, on the host, into a
 * content-addressed cache folder the workers import from. A module is compiled to the plain form
 * iff it contains `function*` or it is one of TABLE_MODULES (tables and re-exports of protocol
 * generators); every other module the plain code imports is the original one (one instance:
 * the layout, the accessors, memory.ts's kick, the error classes). Variant modules (and any
 * generator module they import) are compiled on demand beside the tree.
 *
 * The folder name hashes the transform's own source, the build's trace key and every compiled
 * input, so an edit of the protocol makes a new folder; two processes building at once each
 * write a temp folder and rename it (the loser's rename fails, its files are identical).
 * The TypeScript compiler is loaded only when a folder has to be built. Without it (a production
 * install without devDependencies) the build says why and the runtime runs the generator form.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as TS from 'typescript';
import { PlainTransformError, plainModule } from './plain-transform.js';

/** Modules without `function*` that still belong to the plain form: they hold or re-export protocol generators. */
export const TABLE_MODULES: readonly string[] = ['impl/kernel.ts', 'impl/variant.ts', 'variants/api.ts'];
/** The roots the threads worker imports from the plain form. */
export const PLAIN_ROOTS: readonly string[] = ['impl/cpu-loop.ts', 'impl/variant.ts', 'variants/api.ts'];

const PROJECT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SELF = fileURLToPath(import.meta.url);
const TRANSFORM = fileURLToPath(new URL(`./plain-transform${SELF.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
const POINTS = pathToFileURL(fileURLToPath(new URL(`./plain-points${SELF.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))).href;

export interface PlainTree {
  /** Folder URL of the build (ends with `/`). */
  readonly root: string;
  readonly traceOff: boolean;
  /** Plain module URL of a project module (project-relative source path). */
  url(rel: string): string;
}

interface Node {
  readonly file: string;
  readonly source: string;
  readonly imports: readonly { spec: string; file: string }[];
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g;

/** The file a relative specifier names (`./x.js` → x.ts when the source is TypeScript). */
function resolveFile(from: string, spec: string): string {
  const p = resolve(dirname(from), spec);
  if (existsSync(p)) return p;
  if (p.endsWith('.js') && existsSync(p.slice(0, -3) + '.ts')) return p.slice(0, -3) + '.ts';
  throw new PlainTransformError(`${from}: cannot resolve ${spec}`);
}

function readNode(file: string): Node {
  const source = readFileSync(file, 'utf8');
  const imports: { spec: string; file: string }[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[1];
    if (spec === undefined || /\bimport\s+type\b|\bexport\s+type\b/.test(m[0])) continue;
    imports.push({ spec, file: resolveFile(file, spec) });
  }
  return { file, source, imports };
}

const relOf = (file: string): string => relative(PROJECT, file).split(sep).join('/');
const inProject = (file: string): boolean => !relOf(file).startsWith('..');
const isPlain = (n: Node): boolean => n.source.includes('function*') || (inProject(n.file) && TABLE_MODULES.includes(relOf(n.file)));

/** The modules of the plain form reachable from `roots` (files), in discovery order. */
function closure(roots: readonly string[]): Map<string, Node> {
  const out = new Map<string, Node>();
  const todo = [...roots];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (out.has(f)) continue;
    const n = readNode(f);
    if (!isPlain(n) && !roots.includes(f)) continue;
    out.set(f, n);
    for (const i of n.imports) if (!out.has(i.file)) todo.push(i.file);
  }
  return out;
}

let tsPromise: Promise<typeof TS> | null = null;
/** The TypeScript compiler API (a devDependency), loaded once. */
export function loadTypeScript(): Promise<typeof TS> {
  if (tsPromise === null) tsPromise = import('typescript').then((m): typeof TS => (m as unknown as { default?: typeof TS }).default ?? m);
  return tsPromise;
}

const hash = (parts: readonly string[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** Where plain module `file` goes in `dir` (project files mirror their path; others by hash). */
function outPath(dir: string, file: string): string {
  const rel = inProject(file) ? relOf(file) : `external/${hash([file])}-${file.split(sep).pop() ?? 'm'}`;
  return join(dir, rel.replace(/\.[cm]?[jt]s$/, '.mjs'));
}

async function compile(nodes: Map<string, Node>, dir: string, writeTo: string, traceOff: boolean): Promise<void> {
  const ts = await loadTypeScript();
  for (const n of nodes.values()) {
    const code = plainModule(ts, n.source, {
      fileName: n.file, traceOff, pointsUrl: POINTS,
      resolveImport: (spec) => {
        const target = n.imports.find((i) => i.spec === spec)?.file ?? resolveFile(n.file, spec);
        return pathToFileURL(nodes.has(target) ? outPath(dir, target) : target).href;
      },
    });
    const out = outPath(writeTo, n.file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
}

const trees = new Map<string, Promise<PlainTree>>();

/** The plain form of the protocol (trace-off or trace-on build), built once per content. */
export function plainTree(traceOff: boolean, base = join(tmpdir(), 'smpcheck-plain')): Promise<PlainTree> {
  const key = `${String(traceOff)}:${base}`;
  let p = trees.get(key);
  if (p === undefined) {
    p = buildTree(traceOff, base);
    trees.set(key, p);
    p.catch(() => { trees.delete(key); });
  }
  return p;
}

async function buildTree(traceOff: boolean, base: string): Promise<PlainTree> {
  const nodes = closure(PLAIN_ROOTS.map((r) => join(PROJECT, r)));
  const id = hash([readFileSync(TRANSFORM, 'utf8'), readFileSync(SELF, 'utf8'), PROJECT, String(traceOff), ...[...nodes.values()].map((n) => `${n.file}\n${n.source}`)]);
  const dir = join(base, `${traceOff ? 'notrace' : 'trace'}-${id}`);
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await compile(nodes, dir, tmp, traceOff);
      writeFileSync(join(tmp, '.complete'), id);
      try { renameSync(tmp, dir); } catch { /* another process built it first */ }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (!existsSync(join(dir, '.complete'))) throw new PlainTransformError(`plain build: ${dir} was not written`);
  }
  const root = pathToFileURL(dir).href + '/';
  return { root, traceOff, url: (rel) => pathToFileURL(outPath(dir, join(PROJECT, rel))).href };
}

/**
 * The plain form of a variant module (a file: URL) in `tree`: the module and the generator
 * modules it imports that are not in the tree, compiled beside it; imports of protocol modules
 * go to the tree's. Cached by content.
 */
export async function plainVariant(tree: PlainTree, variantUrl: string): Promise<string> {
  if (!variantUrl.startsWith('file:')) throw new PlainTransformError(`${variantUrl}: not a file`);
  const file = fileURLToPath(variantUrl);
  const dir = fileURLToPath(tree.root);
  const protocol = closure(PLAIN_ROOTS.map((r) => join(PROJECT, r)));
  const own = new Map<string, Node>();
  for (const [f, n] of closure([file])) if (!protocol.has(f)) own.set(f, n);
  const id = hash([...own.values()].map((n) => `${n.file}\n${n.source}`));
  const vdir = join(dir, 'variants-plain', id);
  const target = outPath(vdir, file);
  if (!existsSync(join(vdir, '.complete'))) {
    const tmp = `${vdir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      const all = new Map([...protocol, ...own]);
      const ts = await loadTypeScript();
      for (const n of own.values()) {
        const code = plainModule(ts, n.source, {
          fileName: n.file, traceOff: tree.traceOff, pointsUrl: POINTS,
          resolveImport: (spec) => {
            const t = resolveFile(n.file, spec);
            if (own.has(t)) return pathToFileURL(outPath(vdir, t)).href;
            return pathToFileURL(all.has(t) ? outPath(dir, t) : t).href;
          },
        });
        const out = outPath(tmp, n.file);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, code);
      }
      writeFileSync(join(tmp, '.complete'), id);
      mkdirSync(dirname(vdir), { recursive: true });
      try { renameSync(tmp, vdir); } catch { /* built concurrently */ }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return pathToFileURL(target).href;
}
