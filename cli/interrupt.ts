/**
 * Ctrl-C during a run: the first SIGINT aborts the signal so the command stops at the next run
 * boundary and still writes what it found (marked `interrupted`); a second one exits at once with
 * 130, the shell's convention for death by SIGINT.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write('smpcheck: interrupted, writing partial results (Ctrl-C again to quit now)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ctl.signal, dispose: () => process.off('SIGINT', onSigint) };
}
