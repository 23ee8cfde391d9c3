/** Sequential consistency: one total order of all accesses that respects po (acyclic po | rf | co | fr). */
import type { AxiomaticModel } from './base.js';
import { coherentAndAtomic } from './base.js';

export const scModel: AxiomaticModel = {
  name: 'sc',
  prepare(s) {
    return (d) => coherentAndAtomic(s, d) && s.po.union(d.rf, d.co, d.fr).acyclic();
  },
};
