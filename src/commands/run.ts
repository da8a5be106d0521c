// What every command shares: the global options, the logger, the run report, and the process
// exit code. A failure is reported by log/failure.ts, the one place errors become exit codes.
import { resolve } from 'node:path';
import type { RosterConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { writeFileAtomic } from '../file/atomicWrite.js';
import { failureFields, reportFailure } from '../log/failure.js';
import { createLogger, type LogFormat, type Logger } from '../log/logger.js';
import { redact } from '../log/redact.js';
import { writeRunReport } from '../state/store.js';

export interface GlobalOptions {
  config: string;
  verbose?: boolean;
  quiet?: boolean;
  logFormat: LogFormat;
  logFile: string | undefined;
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
  /**
   * Called by a command that pushes, once its config is read: at the end of the run the config's
   * notification channels are told how it went (a dry run tells nobody).
   */
  notifyAtEnd(config: RosterConfig, options: { dryRun: boolean }): void;
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
  const started = Date.now();
  const report: RunReport = { command, startedAt: new Date(started).toISOString() };
  let exitCode: ExitCode;
  let notifyConfig: RosterConfig | undefined;
  const notifyAtEnd = (config: RosterConfig, options: { dryRun: boolean }) => {
    report.dryRun = options.dryRun;
    notifyConfig = options.dryRun ? undefined : config;
  };
  try {
    exitCode = (await body({ log, report, notifyAtEnd })) ?? ExitCode.ok;
  } catch (error) {
    const failure = reportFailure(error, log, argv.verbose === true);
    exitCode = failure.exitCode;
    Object.assign(report, failureFields(failure));
  }
  Object.assign(report, { finishedAt: new Date().toISOString(), durationMs: Date.now() - started, exitCode });
  process.exitCode = exitCode;
  if (notifyConfig !== undefined && notifyConfig.notify.length > 0) {
    // Loaded only here: a run with no channels never loads the mail library. notifyRun never
    // throws, and each channel costs at most its timeout; what each did goes into the report.
    const { notifyRun } = await import('../notify/afterRun.js');
    const sent = await notifyRun(notifyConfig, report, argv.logFile === undefined ? undefined : resolve(argv.logFile), log);
    if (sent.length > 0) report.notifications = sent;
  }
  saveReport(report, argv.report, log);
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
