// roster sync: export → safety checks → token → upload → record state, for every iLobby target.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import { ExitCode } from '../../platform/errors.js';
import { writeChangesCsv } from '../../ilobby/csv/changesCsv.js';
import { describeExtract, extractRows, extractWarnings } from '../../ilobby/extract.js';
import type { TargetChanges } from '../../ilobby/preview.js';
import { pushAndReport, targetsOf } from '../../ilobby/push.js';
import { withLock } from '../../platform/state/lock.js';
import { checkOutputPath } from '../../platform/atomicWrite.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const syncCommand = defineCommand({
  command: 'sync',
  describe: 'Read the directory, check the result and upload it to iLobby',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('dry-run', { type: 'boolean', default: false, describe: 'Do everything but get a token and upload' })
      .option('force', { type: 'boolean', default: false, describe: 'Push even if a safety threshold is crossed (never an empty roster)' })
      .option('first-push', {
        type: 'boolean',
        default: false,
        describe: 'Allow a push to a target with no earlier push to compare with (the service disables everyone not in the file)',
      })
      .option('report', { type: 'string', describe: 'Also write the run report (JSON) to this file' })
      .option('diff-out', { type: 'string', describe: 'Also write every row added, changed or disabled against the last push (CSV)' })
      .example('$0 sync --dry-run', 'show what would be sent and changed')
      .example('$0 sync --first-push', 'the first push, by hand, after checking the CSV')
      .example('$0 sync --dry-run --diff-out changes.csv', 'and list every change in a CSV')
      .example('$0 sync --config C:\\roster\\config.json --log-file C:\\roster\\roster.log', 'the scheduled job'),
  handler: (argv) =>
    runCommand('sync', argv, async ({ log, report, notifyAtEnd }) => {
      checkOutputPath(argv.diffOut, '--diff-out');
      const config = loadConfig(argv.config);
      targetsOf(config); // a config that cannot push fails before the directory is read
      report.stateDir = config.stateDir;
      notifyAtEnd(config, { dryRun: argv.dryRun });
      // The lock covers the directory read too: two runs must not interleave read and push.
      return withLock(config.stateDir, log, async () => {
        const extract = await extractRows(config, log);
        Object.assign(report, { directory: extract.url, bases: extract.bases, ...extract.summary });
        log.info(describeExtract(extract));
        for (const warning of extractWarnings(extract)) log.warn(warning);
        const changes: TargetChanges[] = [];
        const onChanges = (target: TargetChanges) => changes.push(target);
        const diffOut = argv.diffOut === undefined ? undefined : resolve(argv.diffOut);
        const options = { force: argv.force, dryRun: argv.dryRun, firstPush: argv.firstPush, onChanges, diffOut };
        const exitCode = await pushAndReport('sync', config, extract.rows, options, log, report);
        if (diffOut === undefined) return exitCode;
        try {
          writeChangesCsv(diffOut, changes);
          report.diffOut = diffOut;
          log.info(`every change is listed in ${diffOut}`);
        } catch (error) {
          // For a dry run the list is what was asked for. After a push, a side file that cannot be
          // written must not turn the run into a failure that says nothing was pushed.
          if (argv.dryRun && exitCode === ExitCode.ok) throw error;
          log.warn(`${(error as Error).message} (the run's outcome stands: see the lines above)`);
        }
        return exitCode;
      });
    }),
});
