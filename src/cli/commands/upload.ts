// roster upload FILE: checks a CSV made elsewhere (an HR system) and pushes it with the same
// safety checks as sync.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import { errnoText, InvalidInputError } from '../../platform/errors.js';
import { checkIlobbyCsv } from '../../ilobby/csv/readCsv.js';
import { pushAndReport, targetsOf } from '../../ilobby/push.js';
import { withLock } from '../../platform/state/lock.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const uploadCommand = defineCommand({
  command: 'upload <file>',
  describe: 'Check a CSV made elsewhere and upload it to iLobby',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'The CSV (header FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE)' })
      .option('force', { type: 'boolean', default: false, describe: 'Push even if a safety threshold is crossed (never an empty roster)' })
      .option('first-push', {
        type: 'boolean',
        default: false,
        describe: 'Allow a push to a target with no earlier push to compare with (the service disables everyone not in the file)',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Check the file and the safety rules; send nothing' })
      .option('report', { type: 'string', describe: 'Also write the run report (JSON) to this file' })
      .example('$0 upload hr-export.csv', 'check the file, then upload it'),
  handler: (argv) =>
    runCommand('upload', argv, async ({ log, report, notifyAtEnd }) => {
      const config = loadConfig(argv.config);
      targetsOf(config);
      notifyAtEnd(config, { dryRun: argv.dryRun });
      const file = resolve(argv.file);
      report.file = file;
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new InvalidInputError(`cannot read ${file}: ${errnoText(error)}`);
      }
      const { rows, problems } = checkIlobbyCsv(bytes);
      if (problems.length > 0) {
        throw new InvalidInputError(`${file} cannot be uploaded; nothing was sent:\n  - ${problems.join('\n  - ')}`, {
          hint: 'Fix the file (UTF-8, the exact header, a valid and unique EMAIL on every line) and run again.',
        });
      }
      log.info(`${file}: ${rows.length} rows, header and every EMAIL valid`);
      report.stateDir = config.stateDir;
      return withLock(config.stateDir, log, () =>
        pushAndReport('upload', config, rows, { force: argv.force, dryRun: argv.dryRun, firstPush: argv.firstPush }, log, report),
      );
    }),
});
