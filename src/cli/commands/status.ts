// roster status: how each target's last run went and when it last pushed, from the state folder
// alone (it contacts neither the directory nor a service), with an exit code monitoring reads:
// 0 ok, 1 warning, 2 critical, 3 unknown (the Nagios plugin convention). A monitoring plugin never
// crashes and never lies: any problem of its own (a bad --max-age, a config or state folder it
// cannot read) is UNKNOWN with the reason, never a stack trace and never CRITICAL.
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { readJsonFile } from '../../config/load.js';
import { parseConfig } from '../../config/parse.js';
import { InvalidInputError, RosterError, type ExitCode } from '../../platform/errors.js';
import { reportFailure } from '../../platform/log/failure.js';
import type { Logger } from '../../platform/log/logger.js';
import { redact } from '../../platform/log/redact.js';
import { isOfficevibeConfig } from '../../officevibe/config.js';
import { loadOfficevibeConfig } from '../../officevibe/load.js';
import { lastOfficevibePushFile, OFFICEVIBE_TARGET } from '../../officevibe/state.js';
import { readTargetRuns } from '../../monitoring/runs.js';
import { lastPushFile } from '../../ilobby/state.js';
import { parseDuration } from '../../monitoring/status/duration.js';
import { judge, STATUS_EXIT, statusText, type StatusReport } from '../../monitoring/status/status.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const DEFAULT_MAX_AGE = '26h';

export const statusCommand = defineCommand({
  command: 'status',
  describe: "Each target's last run and last successful push, from the state folder; exit 0 ok, 1 warning, 2 critical, 3 unknown",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      // Read by the handler, not by yargs: a bad value is UNKNOWN (3) with the reason, not a usage error (2).
      .option('max-age', {
        type: 'string',
        default: DEFAULT_MAX_AGE,
        describe: "Critical (exit 2) when a target's last successful push is older than this (e.g. 26h, 90m, 2d)",
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the status as one JSON document (schema/status.schema.json)' })
      .example('$0 status --max-age 26h', 'for a daily job: critical when a target has not been pushed for 26 hours')
      .example('$0 status --json', 'for a monitoring system that reads JSON'),
  handler: (argv) =>
    // No report is written: status only reads the state folder (report.stateDir stays unset).
    runCommand('status', argv, ({ log }) => {
      let maxAgeSeconds: number | null = null;
      try {
        maxAgeSeconds = maxAge(argv.maxAge);
        const watched = watchedState(argv.config, log);
        const runs = readTargetRuns(watched.stateDir, watched.ilobbyTargets);
        const names = [...watched.ilobbyTargets];
        const officevibeAt = modified(lastOfficevibePushFile(watched.stateDir));
        if (officevibeAt !== undefined || runs.some((run) => run.target === OFFICEVIBE_TARGET)) names.push(OFFICEVIBE_TARGET);
        const facts = names.map((target) => ({
          target,
          runs: runs.filter((run) => run.target === target),
          lastPushFileAt: target === OFFICEVIBE_TARGET ? officevibeAt : modified(lastPushFile(watched.stateDir, target)),
        }));
        const status = judge(facts, new Date(), maxAgeSeconds, { host: hostname(), config: watched.file, stateDir: watched.stateDir });
        print(status, argv.json, log);
        return status.exitCode as ExitCode;
      } catch (error) {
        // Whatever kept status from judging says nothing about the pushes: "unknown", with the reason.
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof RosterError) reportFailure(error, log, argv.verbose === true);
        else log.error(`roster status could not read the state: ${argv.verbose && error instanceof Error ? (error.stack ?? reason) : reason}`);
        const unknown: StatusReport = {
          status: 'unknown',
          exitCode: STATUS_EXIT.unknown,
          summary: redact(reason.split('\n')[0] ?? reason),
          checkedAt: new Date().toISOString(),
          maxAgeSeconds,
          host: hostname(),
          config: resolve(argv.config),
          stateDir: null,
          targets: [],
        };
        print(unknown, argv.json, log);
        return STATUS_EXIT.unknown;
      }
    }),
});

/** --max-age in seconds; anything else is a problem of status's own (UNKNOWN), said plainly. */
function maxAge(text: string): number {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return seconds;
  throw new InvalidInputError(`--max-age "${text}" is not a duration`, {
    hint: 'Write a number with its unit (s, m, h, d or w), e.g. --max-age 26h, 90m, 2d or 1d2h; 0 and a number without a unit are not durations.',
  });
}

/**
 * The state folder and the iLobby targets to judge, from roster's config.json or from the
 * Officevibe tool's config.json (which `officevibe push` reads and records into the same way).
 */
function watchedState(configPath: string, log: Logger): { file: string; stateDir: string; ilobbyTargets: string[] } {
  const file = resolve(configPath);
  const json = readJsonFile(file, 'config file');
  if (isOfficevibeConfig(json)) {
    const config = loadOfficevibeConfig(file, log);
    return { file, stateDir: config.stateDir, ilobbyTargets: [] };
  }
  // No proxy check, unlike the commands that push: status contacts nothing.
  const config = parseConfig(json, file, dirname(file));
  return { file, stateDir: config.stateDir, ilobbyTargets: config.ilobby.map((target) => target.name) };
}

function print(status: StatusReport, json: boolean, log: Logger): void {
  if (json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else log.result(statusText(status), { command: 'status', ...status });
}

function modified(file: string): Date | undefined {
  try {
    return statSync(file).mtime;
  } catch {
    return undefined;
  }
}
