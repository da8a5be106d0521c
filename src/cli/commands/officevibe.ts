// roster officevibe push | export: the job of Officevibe's Enterprise Sync Tool (sync.ps1), from
// its config.json and three CSV files, or with the files made straight from the directory.
import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadOfficevibeConfig } from '../../officevibe/load.js';
import { exportOfficevibeFiles } from '../../officevibe/export.js';
import { pushToOfficevibe } from '../../officevibe/push.js';
import { withLock } from '../../platform/state/lock.js';
import { checkOutputPath } from '../../platform/atomicWrite.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

const pushCommand = defineCommand({
  command: 'push',
  describe: 'Check users.csv, groups.csv and groups-mapping.csv and send them to Officevibe',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('dump-request', { type: 'string', describe: 'Write the request body (no key in it) to dump.json beside config.json, or to this file' })
      .option('ignore-encoding', {
        type: 'boolean',
        default: false,
        describe: 'Skip the UTF-8-with-BOM check: read files without a BOM as UTF-8, or as Windows-1252 if they are not UTF-8; UTF-16 with a BOM as such',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Check the files and the safety rules; send nothing' })
      .option('force', { type: 'boolean', default: false, describe: 'Push even if a safety threshold is crossed (never an empty roster)' })
      .option('first-push', {
        type: 'boolean',
        default: false,
        describe: 'Allow a push with no earlier push to compare with (Officevibe deactivates everyone not in users.csv)',
      })
      .option('report', { type: 'string', describe: 'Also write the run report (JSON) to this file' })
      .example('$0 officevibe push --config C:\\OV_Sync\\config.json --dry-run --dump-request', 'check everything, write dump.json, send nothing')
      .example('$0 officevibe push --config C:\\OV_Sync\\config.json --log-file C:\\OV_Sync\\roster.log', 'the scheduled job'),
  handler: (argv) =>
    runCommand('officevibe-push', argv, async ({ log, report, notifyAtEnd }) => {
      if (argv.dumpRequest) checkOutputPath(argv.dumpRequest, '--dump-request');
      const config = loadOfficevibeConfig(argv.config, log);
      report.stateDir = config.stateDir;
      Object.assign(report, { files: config.files });
      // roster's own notify section in the Officevibe config.json: told as a sync's would be.
      notifyAtEnd({ file: config.file, stateDir: config.stateDir, notify: config.notify, ilobby: [] }, { dryRun: argv.dryRun });
      await withLock(config.stateDir, log, async () => {
        const result = await pushToOfficevibe(
          config,
          {
            dryRun: argv.dryRun,
            force: argv.force,
            firstPush: argv.firstPush,
            ignoreEncoding: argv.ignoreEncoding,
            // --dump-request without a file name means dump.json beside config.json, where the original
            // tool wrote it (a scheduled task starts in the system folder, not the tool's).
            dumpFile: argv.dumpRequest === undefined ? undefined : argv.dumpRequest || join(dirname(config.file), 'dump.json'),
          },
          log,
        );
        Object.assign(report, result);
        log.result(result.message, { command: 'officevibe push', ...result });
      });
    }),
});

const exportCommand = defineCommand({
  command: 'export',
  describe: 'Write users.csv, groups.csv and groups-mapping.csv from the directory (nothing is sent)',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('out-dir', { type: 'string', describe: 'Write the three files to this folder instead of the paths in the config' })
      .example('$0 officevibe export --config C:\\OV_Sync\\config.json', 'replace the Data files with what the directory holds')
      .example('$0 officevibe export --out-dir preview', 'write them somewhere else to look at first'),
  handler: (argv) =>
    runCommand('officevibe-export', argv, async ({ log, report }) => {
      const config = loadOfficevibeConfig(argv.config, log);
      report.stateDir = config.stateDir;
      // The lock keeps a push from reading the three files while they are being replaced.
      await withLock(config.stateDir, log, async () => {
        const result = await exportOfficevibeFiles(config, argv.outDir, log);
        const { lines, ...details } = result;
        Object.assign(report, details);
        log.result(lines.join('\n'), {
          command: 'officevibe export',
          files: result.files,
          directory: result.directory,
          ...result.summary,
          mappings: result.mappings,
        });
      });
    }),
});

export const officevibeCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'officevibe',
  describe: "Officevibe: push the Enterprise Sync Tool's three CSV files, or export them from the directory",
  builder: (yargs: Argv<GlobalOptions>) => yargs.command(pushCommand).command(exportCommand).demandCommand(1, 'Name an officevibe command: push or export.'),
  handler: () => undefined,
};
