// roster check: diagnoses the config, each domain controller (DNS, TCP, TLS, bind, searches) and
// each iLobby target's token, one line per step. Uploads nothing.
import type { Argv } from 'yargs';
import { checkConfig, checkConnections } from '../../doctor/run.js';
import { CheckLog, symbolsFor } from '../../doctor/steps.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const checkCommand = defineCommand({
  command: 'check',
  describe: 'Diagnose the config, the directory (DNS, TCP, TLS, bind, rows per search base) and the iLobby token; uploads nothing',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('report', { type: 'string', describe: 'Also write the run report (JSON, every step) to this file' })
      .example('$0 check', 'check ./config.json, its domain controllers and iLobby targets')
      .example('$0 check --config C:\\roster\\config.json', 'check another config')
      .example('$0 check --log-format json', 'one JSON object per step, for scripts'),
  handler: (argv) =>
    runCommand('check', argv, async ({ log, report }) => {
      const checks = new CheckLog(log, symbolsFor(process.platform, process.env));
      report.steps = checks.steps;
      const config = checkConfig(argv.config, checks);
      if (config !== undefined) {
        report.stateDir = config.stateDir;
        await checkConnections(config, checks, log);
      }
      const exitCode = checks.exitCode;
      log.result(checks.summary(), { command: 'check', exitCode });
      return exitCode;
    }),
});
