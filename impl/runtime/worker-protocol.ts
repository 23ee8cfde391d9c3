/** Messages between the host and a CPU worker (control only; all protocol state is in the SAB). */
import type { LayoutConfig } from '../layout.js';
import type { DebugReport } from '../memory.js';

export interface WorkerInit {
  readonly sab: SharedArrayBuffer;
  readonly layout: LayoutConfig;
  readonly cpu: number;
}

/** The plain protocol form of a run (runtime/plain-build.ts): its tree and the variant's plain module. */
export interface PlainRun {
  /** URLs of the plain cpu-loop and variant modules */
  readonly cpuLoop: string;
  readonly variant: string;
  /** the variant's plain module (null: smp.c itself) */
  readonly variantUrl: string | null;
}

/**
 * `variantUrl`: the variant module each worker imports before it runs (null: smp.c itself);
 * `plain`: run the plain form instead of the generators (null: the generator form).
 */
export type ToWorker = { readonly type: 'run'; readonly t0: number; readonly variantUrl: string | null; readonly plain: PlainRun | null } | { readonly type: 'exit' };

export type FromWorker =
  | { readonly type: 'ready'; readonly cpu: number }
  | { readonly type: 'stopped'; readonly cpu: number }
  | { readonly type: 'debug'; readonly cpu: number; readonly report: DebugReport }
  | { readonly type: 'panic'; readonly cpu: number; readonly report: DebugReport }
  | { readonly type: 'error'; readonly cpu: number; readonly message: string };
