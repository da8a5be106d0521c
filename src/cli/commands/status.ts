// roster status: how each target's last run went and when it last pushed, from the state folder
// alone (it contacts neither the directory nor a service), with an exit code monitoring reads:
// 0 ok, 1 warning, 2 critical, 3 unknown (the Nagios plugin convention).
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import type { ExitCode } from '../../platform/errors.js';
import { reportFailure } from '../../platform/log/failure.js';
import { redact } from '../../platform/log/redact.js';
import { lastOfficevibePushFile, OFFICEVIBE_TARGET } from '../../officevibe/state.js';
import { readTargetRuns } from '../../monitoring/runs.js';
import { lastPushFile } from '../../ilobby/state.js';
import { parseDuration } from '../../monitoring/status/duration.js';
import { judge, STATUS_EXIT, statusText } from '../../monitoring/status/status.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const DEFAULT_MAX_AGE = '26h';

export const statusCommand = defineCommand({
  command: 'status',
  describe: "Each target's last run and last successful push, from the state folder; exit 0 ok, 1 warning, 2 critical, 3 unknown",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('max-age', {
        type: 'string',
        default: DEFAULT_MAX_AGE,
        describe: "Critical (exit 2) when a target's last successful push is older than this (e.g. 26h, 90m, 2d)",
        coerce: (value: unknown) => {
          const seconds = typeof value === 'string' ? parseDuration(value) : undefined;
          if (seconds === undefined) throw new Error(`--max-age "${String(value)}" is not a duration: write e.g. 26h, 90m, 2d or 1d2h`);
          return seconds;
        },
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the status as one JSON document (schema/status.schema.json)' })
      .example('$0 status --max-age 26h', 'for a daily job: critical when a target has not been pushed for 26 hours')
      .example('$0 status --json', 'for a monitoring system that reads JSON'),
  handler: (argv) =>
    // No report is written: status only reads the state folder (report.stateDir stays unset).
    runCommand('status', argv, ({ log }) => {
      try {
        const config = loadConfig(argv.config);
        const ilobby = config.ilobby.map((target) => target.name);
        const runs = readTargetRuns(config.stateDir, ilobby);
        const names = [...ilobby];
        const officevibeAt = modified(lastOfficevibePushFile(config.stateDir));
        if (officevibeAt !== undefined || runs.some((run) => run.target === OFFICEVIBE_TARGET)) names.push(OFFICEVIBE_TARGET);
        const facts = names.map((target) => ({
          target,
          runs: runs.filter((run) => run.target === target),
          lastPushFileAt: target === OFFICEVIBE_TARGET ? officevibeAt : modified(lastPushFile(config.stateDir, target)),
        }));
        const status = judge(facts, new Date(), argv.maxAge, { host: hostname(), config: config.file, stateDir: config.stateDir });
        if (argv.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        else log.result(statusText(status), { command: 'status', ...status });
        return status.exitCode as ExitCode;
      } catch (error) {
        // A config or state folder roster cannot read says nothing about the pushes: "unknown".
        reportFailure(error, log, argv.verbose === true);
        if (argv.json) {
          const unknown = {
            status: 'unknown',
            exitCode: STATUS_EXIT.unknown,
            summary: redact((error as Error).message),
            checkedAt: new Date().toISOString(),
            maxAgeSeconds: argv.maxAge,
            host: hostname(),
            config: resolve(argv.config),
            stateDir: null,
            targets: [],
          };
          process.stdout.write(`${JSON.stringify(unknown, null, 2)}\n`);
        }
        return STATUS_EXIT.unknown;
      }
    }),
});

function modified(file: string): Date | undefined {
  try {
    return statSync(file).mtime;
  } catch {
    return undefined;
  }
}
