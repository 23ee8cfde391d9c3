/**
 * x86-TSO (Owens, Sarkar, Sewell): every po pair is preserved except a write before a read
 * (the store buffer), unless an mfence (smp_mb, a fully ordered RMW's fences) or a locked
 * instruction (every atomic RMW on x86, a failed cmpxchg included) lies between or is one of them.
 * Stores are forwarded from the own buffer, so only external rf counts: acyclic(ppo | rfe | co | fr).
 * smp_wmb, smp_rmb and smp_mb__{before,after}_atomic are compiler barriers on x86: no effect here.
 */
import type { AxiomaticModel } from './base.js';
import { coherentAndAtomic, isM, isR, isW, Rel, setOf } from './base.js';

export const tsoModel: AxiomaticModel = {
  name: 'tso',
  prepare(s) {
    const W = setOf(s, isW);
    const R = setOf(s, isR);
    const M = setOf(s, isM);
    const drains = setOf(s, (e) => (e.kind === 'F' && e.fence === 'mb') || e.atomic);
    const poM = s.po.restrict(M, M);
    const wr = poM.restrict(W, R);
    const poOpt = s.po.opt();
    const fenced = poOpt.restrict(W, drains).seq(poOpt.restrict(drains, R)).inter(s.po);
    const ppo = poM.minus(wr).union(fenced);
    return (d) => {
      if (!coherentAndAtomic(s, d)) return false;
      const rfe = d.rf.inter(s.ext);
      return ppo.union(rfe, d.co, d.fr).acyclic();
    };
  },
};

export { Rel };
