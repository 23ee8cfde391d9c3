import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { statechartStructure } from '../../model/graph.js';
import { toDot, visitColour } from '../../report/dot.js';
import { renderSvg, renderSvgWithWarnings } from '../../report/svg.js';
import { csdToy, HOSTILE } from '../support/fixtures.js';

describe('toDot', () => {
  const s = statechartStructure(csdToy);

  it('draws compound states as clusters and edges to them with lhead/ltail', () => {
    const dot = toDot(s);
    expect(dot).toMatch(/subgraph "cluster_\d+" \{/);
    expect(dot).toContain('compound=true');
    expect(dot).toMatch(/lhead="cluster_\d+"/);
    expect(dot).toMatch(/ltail="cluster_\d+"/);
    // every transition appears once, by its stable id
    for (const t of s.transitions) expect(dot).toContain(`id="transition:${t.id}"`);
  });

  it('colours 0 visits red and dashed, visited items green, and shows counts', () => {
    const visits = new Map<string, number>([['csd.free', 10], ['csd.free --CSD_LOCK--> csd.locked', 4]]);
    const dot = toDot(s, visits);
    const free = dot.split('\n').find((l) => l.includes('id="state:csd.free"')) ?? '';
    expect(free).toContain('n=10');
    expect(free).not.toContain('#d62728');
    const queued = dot.split('\n').find((l) => l.includes('id="state:csd.locked.queued"')) ?? '';
    expect(queued).toContain('#d62728');
    expect(queued).toContain('dashed');
    expect(visitColour(0, 10)).toBe('#d62728');
    expect(visitColour(10, 10)).not.toBe(visitColour(1, 10));
  });

  it('renders to SVG with one node per atomic state and one edge per transition', async () => {
    const { svg, warnings } = await renderSvgWithWarnings(toDot(s, new Map()));
    expect(warnings).toEqual([]);
    expect(svg.startsWith('<svg')).toBe(true);
    const nodes = svg.match(/class="node"/g) ?? [];
    // 4 atomic states + 2 initial dots (the cluster anchor is invisible, so not drawn)
    expect(nodes.length).toBe(6);
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(s.transitions.length + 2);
    expect((svg.match(/class="cluster"/g) ?? []).length).toBe(1);
  });

  it('draws parallel regions, nested compounds, final and history states without Graphviz warnings', async () => {
    const m = setup({}).createMachine({
      id: 'sys',
      type: 'parallel',
      states: {
        cpu0: {
          initial: 'idle',
          states: {
            idle: { on: { IPI: 'handling' } },
            handling: {
              initial: 'flush',
              states: { flush: { on: { DONE: 'done' } }, done: { type: 'final' }, hist: { type: 'history' } },
              on: { RESET: 'handling.flush', REENTER: 'handling' },
            },
          },
          on: { OFF: '.idle' },
        },
        cpu1: { initial: 'online', states: { online: { on: { CPU_DYING: 'dead' } }, dead: {} } },
      },
    });
    const s = statechartStructure(m);
    const dot = toDot(s, new Map([[s.transitions[0]?.id ?? '', 1]]));
    expect((dot.match(/subgraph "cluster_/g) ?? []).length).toBe(3);
    expect(dot).toContain('peripheries=2');
    expect(dot).toContain('label="H"');
    const { svg, warnings } = await renderSvgWithWarnings(dot);
    expect(warnings).toEqual([]);
    expect((svg.match(/class="cluster"/g) ?? []).length).toBe(3);
    expect(svg).toContain('id="state:sys.cpu0.handling.done"');
  });

  it('keeps a hostile state description and guard name as text in DOT and SVG', async () => {
    const m = setup({ guards: { [HOSTILE]: () => true } }).createMachine({
      id: 'evil',
      initial: 'a',
      states: { a: { description: HOSTILE, on: { GO: { target: 'b', guard: HOSTILE } } }, b: {} },
    });
    const svg = await renderSvg(toDot(statechartStructure(m), new Map(), { title: `"${HOSTILE}\\` }));
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img');
  });
});
