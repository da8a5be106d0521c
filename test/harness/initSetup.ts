// What the account-state suites share: a config written by `roster init` and pointed at a test
// server (its connection settings only), an export run through the built CLI, and an independent
// count of the people an administrator's ldapsearch finds.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace, type CliRun } from './cli.js';

type Json = Record<string, unknown>;

export interface TestServer {
  ldapsUrl: string;
  caFile: string;
  bindDn: string;
  bindPassword: string;
}

/** `roster init --<kind>` in a fresh folder, with the server's url, caFile and bind password; `directory` overrides more keys. */
export async function initFor(kind: 'openldap' | '389ds' | 'ad', server: TestServer, directory: Json = {}, fields?: Json): Promise<string> {
  const dir = workspace({});
  const init = await runRoster(['init', `--${kind}`, '--dir', dir]);
  if (init.code !== 0) throw new Error(`roster init failed: ${init.all}`);
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Json;
  config.directory = { ...(config.directory as Json), url: server.ldapsUrl, caFile: server.caFile, ...directory };
  writeFileSync(file, JSON.stringify(config, null, 2));
  if (fields !== undefined) writeFileSync(join(dir, 'fields.config.json'), JSON.stringify(fields, null, 2));
  writeFileSync(join(dir, 'secrets', 'bind-password'), server.bindPassword);
  return dir;
}

/** A config.json written by hand (no init): inetOrgPerson people under ou=People, `directory` and `fields` on top. */
export function configFor(server: TestServer, directory: Json = {}, fields: Json = DEFAULT_LDAP_FIELDS): string {
  return workspace({
    'config.json': {
      directory: {
        url: server.ldapsUrl,
        caFile: server.caFile,
        bindDn: server.bindDn,
        bindPasswordFile: 'bind-password',
        searchBases: ['ou=People,dc=example,dc=org'],
        filter: '(objectClass=inetOrgPerson)',
        ...directory,
      },
      fields: 'fields.config.json',
    },
    'fields.config.json': fields,
    'bind-password': server.bindPassword,
  });
}

/** The inetOrgPerson mapping roster init writes for OpenLDAP and 389-ds. */
export const DEFAULT_LDAP_FIELDS = {
  FIRSTNAME: 'givenName',
  LASTNAME: 'sn',
  TITLE: 'title',
  DIVISION: 'ou',
  EMAIL: 'mail',
  MOBILE: 'mobile',
  DESKPHONE: 'telephoneNumber',
  SITE: 'l',
};

/** A roster command with the folder's config.json; the CSV export wrote, if any. */
export async function rosterWith(dir: string, args: string[]): Promise<CliRun & { csv: string | undefined }> {
  const run = await runRoster([...args, '--config', join(dir, 'config.json')]);
  const csv = join(dir, 'adextract.csv');
  return { ...run, csv: existsSync(csv) ? readFileSync(csv, 'utf8') : undefined };
}

/** How many entries OpenLDAP's ldapsearch finds under `base` with `filter`, paged, as the service account. */
export function ldapsearchCount(server: TestServer, base: string, filter: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'ldapsearch',
      ['-H', server.ldapsUrl, '-x', '-D', server.bindDn, '-w', server.bindPassword, '-b', base, '-E', 'pr=100/noprompt', '-LLL', filter, '1.1'],
      { env: { ...process.env, LDAPTLS_CACERT: server.caFile } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`ldapsearch failed: ${stderr}`, { cause: error }));
        else resolve(stdout.split('\n').filter((line) => line.startsWith('dn:')).length);
      },
    );
  });
}
