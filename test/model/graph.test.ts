import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { statechartStructure } from '../../model/graph.js';

const toy = setup({
  types: { events: {} as { type: 'GO' } | { type: 'BACK' } },
  guards: { 'canGo?': () => true },
}).createMachine({
  id: 'toy',
  initial: 'a',
  states: {
    a: { on: { GO: { target: 'b', guard: 'canGo?' } } },
    b: { on: { BACK: 'a', GO: 'b' } },
  },
});

describe('statechartStructure', () => {
  it('lists every state node with its parent and the initial flag', () => {
    const s = statechartStructure(toy);
    expect(s.states.map((x) => x.id)).toEqual(['toy', 'toy.a', 'toy.b']);
    expect(s.states.find((x) => x.id === 'toy.a')?.initial).toBe(true);
    expect(s.states.find((x) => x.id === 'toy.b')?.initial).toBe(false);
  });

  it('names transitions by source, event, guard and target', () => {
    const ids = statechartStructure(toy).transitions.map((t) => t.id).sort();
    expect(ids).toEqual(['toy.a --GO [canGo?]--> toy.b', 'toy.b --BACK--> toy.a', 'toy.b --GO--> toy.b']);
  });
});
