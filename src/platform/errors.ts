// Every failure roster expects is one of these classes. Each carries the exit code a scheduler
// sees and a message a sysadmin can act on: what failed, where, and what to try.
// platform/log/failure.ts is the one place that turns them into a log line, the report and an exit code.

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  invalidInput: 2,
  directory: 3,
  safetyRefusal: 4,
  credentialsRejected: 5,
  serviceFailure: 6,
  lockHeld: 7,
  pushedNotRecorded: 8,
  /** The push went through, but the service reported problems: rows it rejected, or more people disabled than predicted. */
  pushedWithProblems: 9,
  /** 128 + the signal's number, as shells report a run stopped by Ctrl-C (SIGINT) or SIGTERM. */
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failed system call as text for a message: Node's code for it (ENOENT, EACCES, ECONNREFUSED),
 * which a sysadmin can look up, or the message when there is no code.
 */
export function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.message : String(error);
}

export abstract class RosterError extends Error {
  abstract readonly exitCode: ExitCode;
  /** One sentence saying what to try next; printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad command line, config.json, fields.config.json or input file (exit 2). */
export class InvalidInputError extends RosterError {
  readonly exitCode = ExitCode.invalidInput;
}

/** config.json or fields.config.json is wrong; `problems` lists each one with the key's path. */
export class ConfigError extends InvalidInputError {
  constructor(
    readonly file: string,
    readonly problems: string[],
    options: { hint?: string } = {},
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`, options);
  }
}

/** The state folder cannot be used: not a folder, not writable, or a file in it unreadable (exit 2). */
export class StateFolderError extends InvalidInputError {}

/** A recorded push that cannot be the one roster sent: cut short, emptied, or not matching its record (exit 2). */
export class BaselineMismatchError extends StateFolderError {}

/** Connecting, TLS, binding or searching the directory failed, or the result was partial (exit 3). */
export class DirectoryError extends RosterError {
  readonly exitCode = ExitCode.directory;
}

/** A safety check refused the push (exit 4). */
export class SafetyRefusal extends RosterError {
  readonly exitCode = ExitCode.safetyRefusal;
}

/** The service did not accept our credentials (exit 5). */
export class CredentialsRejectedError extends RosterError {
  readonly exitCode = ExitCode.credentialsRejected;
}

/** The upload or API call failed (exit 6). */
export class ServiceError extends RosterError {
  readonly exitCode = ExitCode.serviceFailure;
}

/** Another run holds the lock on the state folder (exit 7). */
export class LockHeldError extends RosterError {
  readonly exitCode = ExitCode.lockHeld;
}

/** The upload went through, but roster could not record it as the last push (exit 8). */
export class PushNotRecordedError extends RosterError {
  readonly exitCode = ExitCode.pushedNotRecorded;
}
