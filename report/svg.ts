/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`), so reports need no system
 * Graphviz. The instance is created once per process: compiling the wasm module is the slow part.
 */
import type { instance } from '@viz-js/viz';

type Viz = Awaited<ReturnType<typeof instance>>;
let viz: Promise<Viz> | undefined;

// Imported on first use: the module is 1.2 MB of JS + wasm, and `smpcheck --help` or a usage
// error should not pay for it.
async function load(): Promise<Viz> {
  const m = await import('@viz-js/viz');
  return m.instance();
}

export interface SvgResult {
  readonly svg: string;
  /** Graphviz warnings (e.g. an lhead it had to ignore); the SVG was still drawn. */
  readonly warnings: readonly string[];
}

export async function renderSvgWithWarnings(dot: string): Promise<SvgResult> {
  viz ??= load();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status === 'failure') {
    const why = result.errors.map((e) => e.message.trim()).join('; ');
    throw new Error(`Graphviz could not render the diagram: ${why}`);
  }
  // Drop the XML prolog and DOCTYPE: the SVG is inlined in HTML.
  return { svg: result.output.replace(/^[\s\S]*?(?=<svg)/, ''), warnings: result.errors.map((e) => e.message.trim()) };
}

export async function renderSvg(dot: string): Promise<string> {
  return (await renderSvgWithWarnings(dot)).svg;
}
