// The one place a failure becomes what the operator sees: the error line in the log, what the run
// report records, and the exit code. Every command reaches it: cli/run.ts for a command's
// failure, ilobby/push.ts for each iLobby target's (logged there so the other targets still
// get their push), doctor/steps.ts for each failed check step (shown as its ✘ line), and cli/main.ts
// for a crash outside any command. Only yargs's usage errors, found before any command runs and
// any logger exists, are printed by cli.ts itself (usageErrorLine, exit 2).
import { ExitCode, RosterError } from '../errors.js';
import type { Logger } from './logger.js';
import { redact } from './redact.js';

/** What a failure means for whoever reads the log, the report or the exit code. */
export interface Failure {
  exitCode: ExitCode;
  /** The error's class (ConfigError, DirectoryError…), or "unexpected" for a bug. */
  kind: string;
  message: string;
  /** One sentence saying what to try next. */
  hint: string | undefined;
}

const BUG_HINT = 'This is a bug in roster: please report it with this output (add --verbose for the details).';

/** A RosterError carries its exit code and hint; anything else is a bug in roster (exit 1). Pure. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof RosterError) return { exitCode: error.exitCode, kind: error.name, message: error.message, hint: error.hint };
  return { exitCode: ExitCode.unexpected, kind: 'unexpected', message: error instanceof Error ? error.message : String(error), hint: BUG_HINT };
}

/**
 * Logs a failure as one error line (message, what to try, and with --verbose its cause) and
 * returns what it means. A bug's line carries its stack, so the report of it can be acted on.
 */
export function reportFailure(error: unknown, log: Logger, verbose: boolean): Failure {
  const failure = describeFailure(error);
  const fields = { exitCode: failure.exitCode, kind: failure.kind };
  if (error instanceof RosterError) {
    const cause = verbose && error.cause instanceof Error ? `\n  cause: ${error.cause.message}` : '';
    log.error(`${failure.message}${failure.hint ? `\n  what to try: ${failure.hint}` : ''}${cause}`, fields);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error(`unexpected error (a bug in roster; please report it with this text):\n${redact(detail)}`, fields);
  }
  return failure;
}

/** How a run report records the failure that ended the run. */
export function failureFields(failure: Failure): { error: string; errorKind: string; hint?: string } {
  return { error: failure.message, errorKind: failure.kind, ...(failure.hint === undefined ? {} : { hint: failure.hint }) };
}
