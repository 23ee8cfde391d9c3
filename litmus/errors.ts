/**
 * A litmus file this checker cannot judge: malformed, or using a construct it does not model.
 * The message is one line, `FILE:LINE: …`, so the CLI prints it and exits 2 — never a verdict.
 */
export class LitmusInputError extends Error {
  override name = 'LitmusInputError';
  constructor(readonly file: string, readonly line: number, readonly detail: string) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** A construct herd7 accepts but this checker does not model (spinlocks, RCU, plain accesses, …). */
export class LitmusUnsupportedError extends LitmusInputError {
  override name = 'LitmusUnsupportedError';
  constructor(file: string, line: number, readonly construct: string) {
    super(file, line, `unsupported: ${construct}`);
  }
}
