/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`), so reports need no system
 * Graphviz. The instance is created once per process: compiling the wasm module is the slow part.
 */
import { instance } from '@viz-js/viz';

type Viz = Awaited<ReturnType<typeof instance>>;
let viz: Promise<Viz> | undefined;

export async function renderSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status === 'failure') {
    const why = result.errors.map((e) => e.message.trim()).join('; ');
    throw new Error(`Graphviz could not render the diagram: ${why}`);
  }
  // Drop the XML prolog and DOCTYPE: the SVG is inlined in HTML.
  return result.output.replace(/^[\s\S]*?(?=<svg)/, '');
}
