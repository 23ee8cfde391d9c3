/**
 * The Linux-kernel memory model (Alglave, Maranget, McKenney, Parri, Stern, ASPLOS 2018;
 * tools/memory-model/Documentation/explanation.txt), for marked accesses without locks or RCU,
 * written from those descriptions:
 *
 * - fences: smp_rmb orders reads (not those of non-value-returning RMWs), smp_wmb writes,
 *   smp_mb everything; smp_mb__before_atomic / __after_atomic make the next / previous RMW fully
 *   ordered; a fully ordered RMW is smp_mb() before and after it (litmus/events.ts); acquire orders
 *   what follows, release what precedes (po-rel, acq-po).
 * - ppo: dependencies to writes (addr, data, ctrl), address dependencies to reads, a dependency
 *   into a write that the same thread reads back (dep ; rfi), co/fr inside one thread, and fences.
 * - propagation: cumul-fence (A-cumulative strong fences and releases, wmb) extended by RMW
 *   sequences; prop = overwrite-external? ; cumul-fence* ; rfe?.
 * - axioms: coherence, atomicity, acyclic(hb) with hb = ppo | rfe | (prop \ id) & int, and
 *   acyclic(pb) with pb = prop ; strong-fence ; hb*. (The rb axiom is about RCU: not modelled.)
 */
import type { AxiomaticModel } from './base.js';
import { coherentAndAtomic, fencerel, isM, isR, isW, Rel, setOf } from './base.js';

export const lkmmModel: AxiomaticModel = {
  name: 'lkmm',
  prepare(s) {
    const all = (): boolean => true;
    const R = setOf(s, isR);
    const W = setOf(s, isW);
    const M = setOf(s, isM);
    const RMW = setOf(s, (e) => isM(e) && e.atomic);
    const R4rmb = setOf(s, (e) => e.kind === 'R' && !e.noreturn);
    const Acquire = setOf(s, (e) => e.kind === 'R' && e.acquire);
    const Release = setOf(s, (e) => e.kind === 'W' && e.release);
    const poOpt = s.po.opt();

    const rmb = fencerel(s, 'rmb').restrict(R4rmb, R4rmb);
    const wmb = fencerel(s, 'wmb').restrict(W, W);
    const mb = fencerel(s, 'mb').restrict(M, M).union(
      fencerel(s, 'mb__before_atomic').restrict(M, RMW).seq(poOpt).restrict(all, M),
      poOpt.restrict(M, RMW).seq(fencerel(s, 'mb__after_atomic')).restrict(all, M),
    );
    const strong = mb;
    const poRel = s.po.restrict(M, Release);
    const acqPo = s.po.restrict(Acquire, M);
    const fence = strong.union(poRel, acqPo, wmb, rmb);
    const dep = s.addr.union(s.data);
    const rwdep = dep.union(s.ctrl).restrict(all, W);
    const addrR = s.addr.restrict(all, R);
    const cumulBase = strong.union(poRel);
    const id = Rel.id(s.n);

    return (d) => {
      if (!coherentAndAtomic(s, d)) return false;
      const rfe = d.rf.inter(s.ext);
      const rfi = d.rf.inter(s.int);
      const overwrite = d.co.union(d.fr);
      const toW = rwdep.union(overwrite.inter(s.int));
      const toR = addrR.union(dep.seq(rfi));
      const ppo = toR.union(toW, fence);
      const rfeOpt = rfe.opt();
      const rmwSequence = d.rf.seq(s.rmw).star();
      const cumulFence = rfeOpt.seq(cumulBase).union(wmb).seq(rmwSequence);
      const prop = overwrite.inter(s.ext).opt().seq(cumulFence.star()).seq(rfeOpt);
      const hb = ppo.union(rfe, prop.minus(id).inter(s.int));
      if (!hb.acyclic()) return false;
      const pb = prop.seq(strong).seq(hb.star());
      return pb.acyclic();
    };
  },
};
