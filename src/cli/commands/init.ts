// roster init: writes a commented starter config.json and fields.config.json for Active Directory,
// OpenLDAP or 389 Directory Server. It never overwrites an existing file without --force.
import { existsSync, mkdirSync } from 'node:fs';
import { platform } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import { InvalidInputError, errnoText } from '../../platform/errors.js';
import { writeFileAtomic } from '../../platform/atomicWrite.js';
import { cmdCommand, shellCommand, shellWord } from '../../platform/commandLine.js';
import { handOver } from '../../setup/owner.js';
import { SECRET_FILES, starterFiles } from '../../setup/templates.js';
import { packageRoot, shippedText, singleExecutable } from '../../platform/paths.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

const KIND_NAMES = { ad: 'Active Directory', openldap: 'OpenLDAP', '389ds': '389 Directory Server' } as const;

export const initCommand = defineCommand({
  command: 'init',
  describe: 'Write a commented starter config.json and fields.config.json',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('ad', { type: 'boolean', describe: 'For Active Directory (the default)' })
      .option('openldap', { type: 'boolean', describe: 'For OpenLDAP (inetOrgPerson; ppolicy and shadowExpire locks)' })
      .option('389ds', { type: 'boolean', describe: 'For 389 Directory Server, FreeIPA or Red Hat DS (inetOrgPerson; nsAccountLock)' })
      .conflicts('ad', ['openldap', '389ds'])
      .conflicts('openldap', '389ds')
      .option('kerberos', { type: 'boolean', default: false, describe: 'Bind with Kerberos as the account roster runs as: no bind DN, no password' })
      .option('dir', { type: 'string', default: '.', describe: 'The folder to write the two files to (created if missing)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing files' })
      .option('user', { type: 'string', describe: 'The account the scheduled job will run as: it is made owner of the files (Windows: granted access)' })
      // init writes a config: --config (which names one to read) means nothing here, so it is not offered.
      .hide('config')
      .example('$0 init', 'write ./config.json and ./fields.config.json for Active Directory')
      .example('$0 init --openldap --dir /etc/roster', 'for OpenLDAP, in /etc/roster')
      .example('$0 init --389ds --dir /etc/roster', 'for 389 Directory Server or FreeIPA')
      .example('$0 init --dir C:\\roster --force', 'start over, replacing both files')
      .example('$0 init --kerberos', 'bind as the gMSA or keytab the job runs with, not with a password')
      .example('$0 init --dir /etc/roster --user roster', 'owned by the account the job runs as'),
  handler: (argv) =>
    runCommand('init', argv, ({ log }) => {
      const kind = argv.openldap ? 'openldap' : argv['389ds'] ? '389ds' : 'ad';
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
      const starter = starterFiles(kind, { config: schema('config.schema.json'), fields: schema('fields.schema.json') }, { kerberos: argv.kerberos });
      const secrets = join(dir, 'secrets');
      let created: string | undefined;
      try {
        created = mkdirSync(dir, { recursive: true });
        // Where the secret files go: only their owner may list it.
        mkdirSync(secrets, { recursive: true, mode: 0o700 });
        if (singleExecutable) for (const name of schemaNames) writeFileAtomic(join(dir, name), shippedText(`schema/${name}`));
        writeFileAtomic(files.config, `${JSON.stringify(starter.config, null, 2)}\n`);
        writeFileAtomic(files.fields, `${JSON.stringify(starter.fields, null, 2)}\n`);
      } catch (error) {
        throw new InvalidInputError(`cannot write the starter files in ${dir}: ${errnoText(error)}`, {
          hint: 'Choose a folder this account may write to with --dir.',
          cause: error,
        });
      }
      // The folder too when init made it: the job writes its CSV, state and log there.
      const owned = argv.user === undefined ? undefined : handOver([...(created === undefined ? [] : [dir]), files.config, files.fields, secrets], argv.user);
      // Commands to paste: quoted for a Command Prompt on Windows, for sh elsewhere.
      const command = platform() === 'win32' ? cmdCommand : shellCommand;
      const secretFile = (name: string) => join(dir, ...name.split('/'));
      const protect =
        platform() === 'win32'
          ? cmdCommand(['icacls', secrets, '/inheritance:r', '/grant:r', `${argv.user ?? '<the account>'}:(OI)(CI)R`, 'BUILTIN\\Administrators:(OI)(CI)F'])
          : `chmod 600 ${shellWord(secrets)}/*${argv.user === undefined ? '' : ` && ${shellCommand(['chown', argv.user])} ${shellWord(secrets)}/*`}`;
      log.result(
        [
          `wrote ${files.config} and ${files.fields} (${KIND_NAMES[kind]})${existing.length > 0 ? ', replacing the old files' : ''}`,
          ...(owned === undefined
            ? []
            : [
                ...(owned.done.length > 0 ? [`${argv.user} now ${platform() === 'win32' ? 'has access to' : 'owns'} ${owned.done.join(', ')}`] : []),
                ...(owned.todo.length > 0
                  ? [
                      `${argv.user} cannot read them yet: this account may not hand them over; run (as an administrator):`,
                      ...owned.todo.map((command) => `  ${command}`),
                    ]
                  : []),
              ]),
          'next:',
          `  1. in config.json replace the example values: directory.url, caFile, ${argv.kerberos ? 'kerberos.keytabFile' : 'bindDn'}, searchBases; ilobby.clientId`,
          argv.kerberos
            ? `  2. Kerberos: ${platform() === 'win32' ? 'run roster as the gMSA or service account it binds as (roster schedule --windows --user DOMAIN\\name$)' : `put the service account's keytab in ${join(dir, 'roster.keytab')} (${shellCommand(['chmod', '600', join(dir, 'roster.keytab')])})`}, see docs/kerberos.md; put the iLobby client secret in ${secretFile(SECRET_FILES.clientSecret)}: the value alone (no quotes), then: ${protect}`
            : `  2. put the bind password in ${secretFile(SECRET_FILES.bindPassword)} and the iLobby client secret in ${secretFile(SECRET_FILES.clientSecret)}: the value alone, as it is (no quotes), then: ${protect}`,
          `  3. ${command(['roster', 'check', '--config', files.config])}`,
        ].join('\n'),
        {
          command: 'init',
          kind,
          files: Object.values(files),
          replaced: existing,
          ...(owned ? { owner: argv.user, handedOver: owned.done, todo: owned.todo } : {}),
        },
      );
    }),
});
