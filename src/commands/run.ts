// What every command shares: the global options, the logger, and the one place where
// failures become a message and an exit code.
import { ExitCode, RosterError } from '../errors.js';
import { createLogger, type LogFormat, type Logger } from '../log/logger.js';
import { redact } from '../log/redact.js';

export interface GlobalOptions {
  config: string;
  verbose?: boolean;
  quiet?: boolean;
  logFormat: LogFormat;
  logFile: string | undefined;
}

export async function runCommand(argv: GlobalOptions, body: (log: Logger) => Promise<void>): Promise<void> {
  const log = createLogger({
    format: argv.logFormat,
    verbosity: argv.verbose ? 'verbose' : argv.quiet ? 'quiet' : 'normal',
    logFile: argv.logFile,
  });
  try {
    await body(log);
    process.exitCode = ExitCode.ok;
  } catch (error) {
    process.exitCode = reportFailure(error, log, argv.verbose === true);
  }
}

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
