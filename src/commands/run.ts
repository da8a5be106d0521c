// What every command shares: the global options, the logger, the run report, and turning the
// command's outcome into the process exit code.
import { resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import { writeFileAtomic } from '../file/atomicWrite.js';
import { useSecretsDirectory } from '../config/secrets.js';
import { reportFailure } from '../log/failure.js';
import { createLogger, type LogFormat, type Logger } from '../log/logger.js';
import { redact } from '../log/redact.js';
import { writeRunReport } from '../state/store.js';

export interface GlobalOptions {
  config: string;
  verbose?: boolean;
  quiet?: boolean;
  logFormat: LogFormat;
  logFile: string | undefined;
  /** --secrets-dir: where a secret variable that is not set is read from (one file per variable). */
  secretsDir?: string | undefined;
}

/** What a run did, written as JSON to --report and to the state folder, even when the run fails. */
export interface RunReport {
  command: string;
  startedAt: string;
  /** Set by the command once the config is known; reports then also go to <stateDir>/reports. */
  stateDir?: string;
  [detail: string]: unknown;
}

export interface RunContext {
  log: Logger;
  report: RunReport;
}

/** Runs a command body. It returns an exit code (for partial outcomes) or throws a RosterError. */
export async function runCommand(
  command: string,
  argv: GlobalOptions & { report?: string },
  body: (context: RunContext) => Promise<ExitCode | void>,
): Promise<void> {
  const log = createLogger({
    format: argv.logFormat,
    verbosity: argv.verbose ? 'verbose' : argv.quiet ? 'quiet' : 'normal',
    logFile: argv.logFile,
  });
  useSecretsDirectory(argv.secretsDir === undefined ? undefined : resolve(argv.secretsDir));
  const started = Date.now();
  const report: RunReport = { command, startedAt: new Date(started).toISOString() };
  let exitCode: ExitCode;
  try {
    exitCode = (await body({ log, report })) ?? ExitCode.ok;
  } catch (error) {
    exitCode = reportFailure(error, log, argv.verbose === true);
    report.error = error instanceof Error ? error.message : String(error);
  }
  Object.assign(report, { finishedAt: new Date().toISOString(), durationMs: Date.now() - started, exitCode });
  saveReport(report, argv.report, log);
  process.exitCode = exitCode;
}

function saveReport(report: RunReport, reportFile: string | undefined, log: Logger): void {
  const { stateDir, ...content } = report;
  const json = redact(`${JSON.stringify(content, null, 2)}\n`);
  try {
    if (reportFile !== undefined) writeFileAtomic(resolve(reportFile), json);
    if (stateDir !== undefined) writeRunReport(stateDir, report, JSON.parse(json));
  } catch (error) {
    log.warn(`could not write the run report: ${(error as Error).message}`);
  }
}
