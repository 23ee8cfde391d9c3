/**
 * The property model: what the command generator may rely on (fast-check's "model" side). It is a
 * deliberate simplification (fast-check docs: a model is not a carbon copy): which CPUs are online
 * (hotplug commands run to quiescence, so this is exact between them) and which CPUs have posted
 * calls that have not settled yet. The protocol itself is judged by the invariant checks and, for
 * refinement, by the xstate model in model/.
 */
import type fc from 'fast-check';
import type { RealSystem } from '../real-system.js';

export interface PropModel {
  readonly n: number;
  readonly online: boolean[];
  /** CPU has posted calls since the last quiescence (it must not be unplugged under them) */
  readonly unsettled: boolean[];
  posts: number;
  /** CPU has started its self-resubmitting CSD chain (fn_resubmit) in this run */
  readonly chains: boolean[];
}

export type SmpCommand = fc.Command<PropModel, RealSystem>;

export function initialModel(n: number): PropModel {
  return { n, online: new Array<boolean>(n).fill(true), unsettled: new Array<boolean>(n).fill(false), posts: 0, chains: new Array<boolean>(n).fill(false) };
}

/** Calls per run are bounded by the request table (512) with room to spare. */
export const MAX_POSTS = 200;

export function settle(m: PropModel): void {
  m.unsettled.fill(false);
}

export function maskText(mask: readonly number[]): string {
  return `{${mask.join(',')}}`;
}
