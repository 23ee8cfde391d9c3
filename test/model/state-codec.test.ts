import { describe, expect, it } from 'vitest';
import { setupModel } from '../../model/explorer.js';
import { FingerprintSet, FULL, INSERTED, SEEN } from '../../model/fingerprint-set.js';
import { CONTEXT_FIELDS, type Fingerprint } from '../../model/state-codec.js';
import { initialContext, type SysContext } from '../../model/system.js';
import { compileWorkload, DEFAULT_WORKLOADS, findWorkload } from '../../model/workload.js';
import type { ModelState } from '../../model/step.js';

describe('state codec', () => {
  it('names every SysContext field once, in the context\'s own order except the lists (queue, batch) last', () => {
    const ctx = initialContext(compileWorkload(findWorkload('hotplug'), 3));
    const lists = ['queue', 'batch'];
    expect(CONTEXT_FIELDS.map(([f]) => f)).toEqual([...Object.keys(ctx).filter((f) => !lists.includes(f)), ...lists]);
    expect(CONTEXT_FIELDS.filter(([, kind]) => kind === 'lists').map(([f]) => f)).toEqual(lists);
  });
  it('decode(encode(s)) = s on every state reached (BFS, all default workloads, 3 CPUs), distinct states distinct bytes', () => {
    for (const w of DEFAULT_WORKLOADS) {
      const m = setupModel(w, 3, undefined, 'fast');
      const seen = new Map<string, string>();
      const queue: ModelState[] = [m.initial];
      for (let i = 0; i < queue.length && i < 1500; i++) {
        const s = queue[i] as ModelState;
        m.codec.encode(s as never);
        const bytes = Buffer.from(m.codec.bytes()).toString('hex');
        const back = m.codec.decode(m.codec.bytes());
        expect(back.value, w.name).toEqual(s.value);
        expect(back.context, w.name).toEqual(s.context);
        const json = JSON.stringify([s.value, s.context]);
        expect(seen.get(bytes) ?? json, `${w.name}: two states, one encoding`).toBe(json);
        seen.set(bytes, json);
        for (const e of m.st.candidates(s)) {
          const n = m.step(s, e);
          if (n === s) continue;
          m.codec.encode(n as never);
          if (!seen.has(Buffer.from(m.codec.bytes()).toString('hex'))) queue.push(n);
        }
      }
      expect(seen.size, w.name).toBeGreaterThan(20);
    }
  });
  it('decodeReusing = decode; a successor of the state decoded last encodes to the same bytes as from scratch (shared parts copied)', () => {
    for (const w of [findWorkload('hotplug-many'), findWorkload('stress'), findWorkload('async-shared')]) {
      const m = setupModel(w, 3, undefined, 'fast');
      const fresh = setupModel(w, 3, undefined, 'fast').codec;
      m.codec.encode(m.initial as never);
      const queue: Uint8Array[] = [m.codec.bytes()];
      const seen = new Set<string>([Buffer.from(queue[0] as Uint8Array).toString('hex')]);
      let copied = 0;
      for (let i = 0; i < queue.length && i < 800; i++) {
        // the explorers' way (arrays reused in place) on odd states, a fresh decode on even ones
        const p = i % 2 === 1 ? m.codec.decodeReusing(queue[i] as Uint8Array) : m.codec.decode(queue[i] as Uint8Array);
        expect(p, w.name).toEqual(fresh.decode(queue[i] as Uint8Array));
        for (const e of m.st.candidates(p)) {
          const n = m.step(p, e);
          if (n === p) continue;
          if (n.context.queue === p.context.queue) copied++;
          m.codec.encode(n as never);
          const inc = m.codec.bytes();
          fresh.encode({ value: { ...(n.value as Record<string, string>) }, context: JSON.parse(JSON.stringify(n.context)) as SysContext });
          expect(Buffer.from(inc).toString('hex'), `${w.name} ${e.type} cpu${e.cpu}`).toBe(Buffer.from(fresh.bytes()).toString('hex'));
          const k = Buffer.from(inc).toString('hex');
          if (!seen.has(k)) { seen.add(k); queue.push(inc); }
        }
      }
      expect(copied, w.name).toBeGreaterThan(100);
    }
  });
  it('wide and null integers round-trip; a context array of the wrong length throws', () => {
    const m = setupModel(findWorkload('hotplug'), 2, undefined, 'fast');
    const c0 = m.initial.context;
    const odd: SysContext = { ...c0, offlineWarn: 70000, uaf: -40, ret: c0.ret.map(() => null), sel: c0.sel.map(() => 255) };
    m.codec.encode({ value: m.initial.value as Record<string, string>, context: odd });
    expect(m.codec.decode(m.codec.bytes()).context).toEqual(odd);
    expect(() => { m.codec.encode({ value: m.initial.value as Record<string, string>, context: { ...c0, pc: [0] } }); }).toThrow(/context\.pc has 1 entries/);
  });
  it('fingerprints depend on the seed; equal bytes, equal fingerprint', () => {
    const m = setupModel(findWorkload('hotplug'), 2, undefined, 'fast');
    m.codec.encode(m.initial as never);
    const a: Fingerprint = { hi: 0, lo: 0 }, b: Fingerprint = { hi: 0, lo: 0 }, c: Fingerprint = { hi: 0, lo: 0 };
    m.codec.fingerprint(1, a);
    m.codec.fingerprint(1, b);
    m.codec.fingerprint(2, c);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('fingerprint set', () => {
  it('inserts, finds, and refuses beyond 3/4 of its slots', () => {
    for (const shared of [false, true]) {
      const t = new FingerprintSet({ bytes: 8192, shared });
      expect(t.slots).toBe(1024);
      for (let i = 0; i < 768; i++) expect(t.add(i * 7919 + 1, i ^ 0x5555)).toBe(INSERTED);
      for (let i = 0; i < 768; i++) expect(t.add(i * 7919 + 1, i ^ 0x5555)).toBe(SEEN);
      expect(t.add(123456789, 987654321)).toBe(FULL);
      expect(t.size).toBe(768);
      expect(t.add(1, 0x5555)).toBe(SEEN); // a known one is still found when full
    }
  });
  it('takes any slot count the bytes hold (not only a power of two), probing round the end', () => {
    for (const shared of [false, true]) {
      const t = new FingerprintSet({ bytes: 8 * 1500 + 7, shared });
      expect([t.slots, t.limit]).toEqual([1500, 1125]);
      const fps = Array.from({ length: 1125 }, (_, i) => [Math.imul(i + 1, 0x9e3779b1) | 1, (i * 2654435761) ^ 0xabcdef] as const);
      for (const [hi, lo] of fps) expect(t.add(hi, lo)).toBe(INSERTED);
      for (const [hi, lo] of fps) expect(t.add(hi, lo)).toBe(SEEN);
      expect(t.add(0x7fffffff, 0x7fffffff)).toBe(FULL);
      expect(t.size).toBe(1125);
    }
  });
});
