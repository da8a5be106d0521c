// What every command shares: the global options, the logger, the run report, and the process
// exit code. A failure is reported by platform/log/failure.ts, the one place errors become exit codes.
import { resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { errnoText, ExitCode } from '../platform/errors.js';
import { useSecretsDirectory } from '../config/secrets.js';
import type { RosterConfig } from '../config/types.js';
import { writeFileAtomic } from '../platform/atomicWrite.js';
import { failureFields, reportFailure } from '../platform/log/failure.js';
import { createLogger, type LogFormat, type Logger } from '../platform/log/logger.js';
import { redact } from '../platform/log/redact.js';
import { releaseHeldLocks } from '../platform/state/lock.js';
import { uploadsInFlight } from '../platform/state/pending.js';
import { writeRunReport } from '../platform/state/reports.js';

export interface GlobalOptions {
  config: string;
  verbose?: boolean;
  quiet?: boolean;
  logFormat: LogFormat;
  logFile: string | undefined;
  /** --secrets-dir: where a secret variable that is not set is read from (one file per variable). */
  secretsDir?: string | undefined;
}

/**
 * A command module whose options are typed by its builder, not by a cast: yargs types each
 * option under its --kebab-name, and ArgumentsCamelCase adds the camelCase name (dryRun) that
 * yargs also sets at run time, which is the one the handlers read.
 */
export function defineCommand<Options>(
  command: CommandModule<GlobalOptions, Options> & {
    builder: (yargs: Argv<GlobalOptions>) => Argv<Options>;
    handler: (argv: ArgumentsCamelCase<Options>) => void | Promise<void>;
  },
): CommandModule<GlobalOptions, Options> {
  return command;
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
  notifyAtEnd: (config: RosterConfig, options: { dryRun: boolean }) => void;
}

/** Runs a command body. It returns an exit code (for partial outcomes) or throws a RosterError. */
export async function runCommand(
  command: string,
  argv: GlobalOptions & { report?: string },
  body: (context: RunContext) => ExitCode | void | Promise<ExitCode | void>,
): Promise<void> {
  const log = createLogger({
    format: argv.logFormat,
    verbosity: argv.verbose ? 'verbose' : argv.quiet ? 'quiet' : 'normal',
    logFile: argv.logFile,
  });
  useSecretsDirectory(argv.secretsDir === undefined ? undefined : resolve(argv.secretsDir));
  const started = Date.now();
  const report: RunReport = { command, startedAt: new Date(started).toISOString() };
  const finish = (exitCode: ExitCode) => {
    Object.assign(report, { finishedAt: new Date().toISOString(), durationMs: Date.now() - started, exitCode });
    saveReport(report, argv.report, log);
  };
  const stopListening = onStopSignal((signal, exitCode) => {
    // Stop now, but say what happened: whether anything may have reached a service is what the
    // operator needs to know. Files are written atomically, so none is left half-written.
    const uploads = uploadsInFlight();
    const what =
      uploads.length > 0
        ? `the upload to ${uploads.join(', ')} had started: the service may have it; the next run compares with the file that was sent`
        : 'no upload had started: nothing was sent';
    log.error(`interrupted by ${signal}: ${what}`, { exitCode, kind: 'interrupted' });
    releaseHeldLocks();
    Object.assign(report, { error: `interrupted by ${signal}`, errorKind: 'interrupted', uploadStarted: uploads.length > 0 });
    finish(exitCode);
    process.exit(exitCode);
  });
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
  } finally {
    stopListening();
  }
  process.exitCode = exitCode;
  if (notifyConfig !== undefined && notifyConfig.notify.length > 0) {
    // Loaded only here: a run with no channels never loads the mail library. notifyRun never
    // throws, and each channel costs at most its timeout; what each did goes into the report.
    Object.assign(report, { finishedAt: new Date().toISOString(), durationMs: Date.now() - started, exitCode });
    const { notifyRun } = await import('../monitoring/notify/afterRun.js');
    const sent = await notifyRun(notifyConfig, report, argv.logFile === undefined ? undefined : resolve(argv.logFile), log);
    if (sent.length > 0) report.notifications = sent;
  }
  finish(exitCode);
}

/** Ctrl-C (SIGINT; SIGBREAK for Ctrl-Break on Windows) and SIGTERM (a scheduler stopping the task). */
function onStopSignal(stop: (signal: NodeJS.Signals, exitCode: ExitCode) => void): () => void {
  const signals: [NodeJS.Signals, ExitCode][] = [
    ['SIGINT', ExitCode.interrupted],
    ['SIGTERM', ExitCode.terminated],
  ];
  if (process.platform === 'win32') signals.push(['SIGBREAK', ExitCode.interrupted]);
  const handlers = signals.map(([signal, exitCode]) => {
    const handler = () => stop(signal, exitCode);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

function saveReport(report: RunReport, reportFile: string | undefined, log: Logger): void {
  const { stateDir, ...content } = report;
  const json = redact(`${JSON.stringify(content, null, 2)}\n`);
  // Each on its own: the state folder's copy is what `roster status` and the next run read, so a
  // --report path that cannot be written must not cost it.
  if (stateDir !== undefined) {
    try {
      writeRunReport(stateDir, report, JSON.parse(json));
    } catch (error) {
      log.warn(`could not write the run report: ${(error as Error).message}`);
    }
  }
  if (reportFile !== undefined) {
    try {
      writeFileAtomic(resolve(reportFile), json);
    } catch (error) {
      log.warn(`could not write the run report ${resolve(reportFile)} (--report): ${errnoText(error)}`);
    }
  }
}
