/** Messages between the host and a CPU worker (control only; all protocol state is in the SAB). */
import type { LayoutConfig } from '../layout.js';
import type { DebugReport } from '../memory.js';

export interface WorkerInit {
  readonly sab: SharedArrayBuffer;
  readonly layout: LayoutConfig;
  readonly cpu: number;
}

/** `variantUrl`: the variant module each worker imports before it runs (null: smp.c itself). */
export type ToWorker = { readonly type: 'run'; readonly t0: number; readonly variantUrl: string | null } | { readonly type: 'exit' };

export type FromWorker =
  | { readonly type: 'ready'; readonly cpu: number }
  | { readonly type: 'stopped'; readonly cpu: number }
  | { readonly type: 'debug'; readonly cpu: number; readonly report: DebugReport }
  | { readonly type: 'panic'; readonly cpu: number; readonly report: DebugReport }
  | { readonly type: 'error'; readonly cpu: number; readonly message: string };
