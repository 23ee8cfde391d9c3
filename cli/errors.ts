/**
 * The three ways `smpcheck` fails, each with its exit code: usage (bad option) and input (missing
 * or unreadable file) are 2, a violated invariant is 1. The top-level handler prints
 * `smpcheck: <message>` on one line; the stack only with SMPCHECK_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { ReportFileError } from '../report/load.js';

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A bad option or argument; the message names it (`--cpus 99: …`). */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = EXIT_USAGE;
}

/** A file or folder that is missing, unreadable, unwritable or malformed; the message names it. */
export class InputError extends Error {
  override name = 'InputError';
  readonly exitCode = EXIT_USAGE;
}

/** An invariant was violated; the counterexample has already been printed and written. */
export class ViolationError extends Error {
  override name = 'ViolationError';
  readonly exitCode = EXIT_VIOLATION;
}

/** Ctrl-C stopped a run that found no violation; partial results were written. 128 + SIGINT. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  readonly exitCode = EXIT_INTERRUPTED;
}

/** Exit code for anything thrown out of a command. Unknown errors are bugs in smpcheck: 2 as well. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof ViolationError) return EXIT_VIOLATION;
  if (e instanceof InterruptedError) return EXIT_INTERRUPTED;
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return EXIT_USAGE;
}

/** Normalises errors from lower layers (report files, fs) into the CLI's classes. */
export function asCliError(e: unknown): unknown {
  if (e instanceof ReportFileError) return new InputError(e.message);
  return e;
}

/** One line, no stack (unless SMPCHECK_DEBUG=1). Commander already printed its own messages. */
export function formatError(e: unknown, debug: boolean): string | null {
  if (e instanceof CommanderError) return null;
  if (debug && e instanceof Error && e.stack !== undefined) return `smpcheck: ${e.stack}`;
  const msg = e instanceof Error ? e.message : String(e);
  return `smpcheck: ${msg.split('\n')[0] ?? msg}`;
}
