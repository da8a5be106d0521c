// roster init: writes a commented starter config.json and fields.config.json for Active Directory
// or OpenLDAP. It never overwrites an existing file without --force.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { errnoText, InvalidInputError } from '../errors.js';
import { writeFileAtomic } from '../file/atomicWrite.js';
import { starterFiles } from '../init/templates.js';
import { packageRoot, shippedText, singleExecutable } from '../paths.js';
import { runCommand, type GlobalOptions } from './run.js';

interface InitOptions extends GlobalOptions {
  ad: boolean | undefined;
  openldap: boolean | undefined;
  dir: string;
  force: boolean;
}

export const initCommand: CommandModule<GlobalOptions, InitOptions> = {
  command: 'init',
  describe: 'Write a commented starter config.json and fields.config.json',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('ad', { type: 'boolean', describe: 'For Active Directory (the default)' })
      .option('openldap', { type: 'boolean', describe: 'For OpenLDAP (inetOrgPerson)' })
      .conflicts('ad', 'openldap')
      .option('dir', { type: 'string', default: '.', describe: 'The folder to write the two files to (created if missing)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing files' })
      .example('$0 init', 'write ./config.json and ./fields.config.json for Active Directory')
      .example('$0 init --openldap --dir /etc/roster', 'for OpenLDAP, in /etc/roster')
      .example('$0 init --dir C:\\roster --force', 'start over, replacing both files') as unknown as Argv<InitOptions>,
  handler: (argv: ArgumentsCamelCase<InitOptions>) =>
    runCommand('init', argv, async ({ log }) => {
      const kind = argv.openldap ? 'openldap' : 'ad';
      const dir = resolve(argv.dir);
      const files = { config: join(dir, 'config.json'), fields: join(dir, 'fields.config.json') };
      const existing = Object.values(files).filter((file) => existsSync(file));
      if (existing.length > 0 && !argv.force) {
        throw new InvalidInputError(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written`, {
          hint: 'Use --force to replace them, or --dir to write the starter files to another folder.',
        });
      }
      // "$schema" points editors at the JSON Schemas: those in the package, or for a single
      // executable, which has no folder of its own files, copies written beside the two files.
      const schemaNames = ['config.schema.json', 'fields.schema.json'];
      const schemaDir = singleExecutable ? dir : join(packageRoot, 'schema');
      const schema = (name: string) => pathToFileURL(join(schemaDir, name)).href;
      const starter = starterFiles(kind, { config: schema('config.schema.json'), fields: schema('fields.schema.json') });
      try {
        mkdirSync(dir, { recursive: true });
        if (singleExecutable) for (const name of schemaNames) writeFileAtomic(join(dir, name), shippedText(`schema/${name}`));
        writeFileAtomic(files.config, `${JSON.stringify(starter.config, null, 2)}\n`);
        writeFileAtomic(files.fields, `${JSON.stringify(starter.fields, null, 2)}\n`);
      } catch (error) {
        throw new InvalidInputError(`cannot write the starter files in ${dir}: ${errnoText(error)}`, {
          hint: 'Choose a folder this account may write to with --dir.',
          cause: error,
        });
      }
      const configArg = files.config.includes(' ') ? `"${files.config}"` : files.config;
      log.result([
        `wrote ${files.config} and ${files.fields} (${kind === 'ad' ? 'Active Directory' : 'OpenLDAP'})${existing.length > 0 ? ', replacing the old files' : ''}`,
        'next:',
        '  1. in config.json replace the example values: directory.url, caFile, bindDn, searchBases; ilobby.clientId',
        '  2. set ROSTER_BIND_PASSWORD and ROSTER_CLIENT_SECRET for the account that runs roster (or use bindPasswordFile / clientSecretFile)',
        `  3. roster check --config ${configArg}`,
      ].join('\n'), { command: 'init', kind, files: Object.values(files), replaced: existing });
    }),
};
