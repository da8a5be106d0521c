// The one place where a failure becomes log output and an exit code.
import { ExitCode, RosterError } from '../errors.js';
import type { Logger } from './logger.js';
import { redact } from './redact.js';

/** Logs a failure and returns its exit code. Unknown errors are bugs: exit 1 with the stack. */
export function reportFailure(error: unknown, log: Logger, verbose: boolean): ExitCode {
  if (error instanceof RosterError) {
    const cause = verbose && error.cause instanceof Error ? `\n  cause: ${error.cause.message}` : '';
    log.error(`${error.message}${error.hint ? `\n  what to try: ${error.hint}` : ''}${cause}`, { exitCode: error.exitCode, kind: error.name });
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log.error(`unexpected error (a bug in roster; please report it with this text):\n${redact(detail)}`, { exitCode: ExitCode.unexpected });
  return ExitCode.unexpected;
}
