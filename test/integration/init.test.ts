// roster init: the starter files are accepted by export as they are written (with their "$schema"
// and "$comment" keys), against Samba AD and OpenLDAP; existing files are never overwritten
// without --force.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAFF_DN } from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { validate } from '../harness/jsonSchema.js';
import { PEOPLE_DN, SERVICE_BIND_DN } from '../harness/ldap-fixture.js';
import { SAMBA_BINARY, SAMBA_PACKAGES, startSamba } from '../harness/samba.js';
import { SLAPD, startSlapd } from '../harness/slapd.js';

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** Fills in the example values of init's config.json with a test server's, keeping everything else. */
function pointAt(dir: string, directory: Json): void {
  const file = join(dir, 'config.json');
  const config = readJson(file);
  config.directory = { ...(config.directory as Json), ...directory };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

describe('roster init', () => {
  it("--user makes the account owner of the files, so the job it runs passes schedule's access check", async function () {
    if (process.platform === 'win32' || process.getuid?.() !== 0) this.skip(); // chown needs root
    const parent = workspace({});
    chmodSync(parent, 0o755);
    const dir = join(parent, 'roster');
    const run = await runRoster(['init', '--dir', dir, '--user', 'nobody']);
    expect(run.code, run.all).to.equal(0);
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    for (const file of ['config.json', 'fields.config.json', 'secrets', '.']) expect(statSync(join(dir, file)).uid, file).to.equal(nobody);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).to.equal(0o700);
    expect(run.stdout).to.include(`nobody now owns ${dir}, ${join(dir, 'config.json')}`);
    expect(run.stdout).to.include(`put the bind password in ${join(dir, 'secrets', 'bind-password')}`);
    const config = readJson(join(dir, 'config.json'));
    expect((config.directory as Json).bindPasswordFile).to.equal('secrets/bind-password');
    expect((config.ilobby as Json).clientSecretFile).to.equal('secrets/client-secret');

    const schedule = await runRoster(['schedule', '--cron', '--config', join(dir, 'config.json'), '--user', 'nobody']);
    expect(schedule.code, schedule.all).to.equal(0);
    expect(schedule.stderr).not.to.include('config.json');
    // Without --user the files stay the administrator's, 0600: the schedule says nobody cannot read them.
    const other = join(parent, 'other');
    expect((await runRoster(['init', '--dir', other])).code).to.equal(0);
    const refused = await runRoster(['schedule', '--cron', '--config', join(other, 'config.json'), '--user', 'nobody']);
    expect(refused.stderr).to.include(`warn: nobody cannot read ${join(other, 'config.json')}`);
  });

  it('does not offer --config in its help', async () => {
    const run = await runRoster(['init', '--help']);
    expect(run.stdout).not.to.include('--config');
    expect(run.stdout).to.include('--user');
  });

  it('writes both files with "$schema" and "$comment"s; they validate against the shipped schemas', async () => {
    const dir = workspace({});
    const run = await runRoster(['init', '--dir', join(dir, 'new-folder')]);
    expect(run.code, run.all).to.equal(0);
    for (const [file, schemaName] of [
      ['config.json', 'config.schema.json'],
      ['fields.config.json', 'fields.schema.json'],
    ] as const) {
      const written = readJson(join(dir, 'new-folder', file));
      expect(written.$comment).to.be.an('array');
      const schemaFile = fileURLToPath(written.$schema as string);
      expect(schemaFile.endsWith(join('schema', schemaName))).to.equal(true);
      expect(validate(readJson(schemaFile), written), file).to.deep.equal([]);
    }
    expect(run.stdout).to.include(`roster check --config ${join(dir, 'new-folder', 'config.json')}`);
  });

  it('never overwrites existing files without --force', async () => {
    const dir = workspace({ 'config.json': '{ "mine": true }\n' });
    const refused = await runRoster(['init', '--dir', dir]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include(`${join(dir, 'config.json')} already exists; nothing was written`);
    expect(refused.stderr).to.include('what to try: Use --force to replace them');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).to.equal('{ "mine": true }\n');
    expect(() => readFileSync(join(dir, 'fields.config.json'))).to.throw(/ENOENT/); // not half an init either
    const forced = await runRoster(['init', '--dir', dir, '--force']);
    expect(forced.code, forced.all).to.equal(0);
    expect(readJson(join(dir, 'config.json')).directory).to.be.an('object');
  });

  it('refuses --ad with --openldap', async () => {
    const run = await runRoster(['init', '--ad', '--openldap', '--dir', workspace({})]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/mutually exclusive/);
  });

  it('--openldap output is accepted by export against slapd, giving the expected CSV', async function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
    const ldap = await startSlapd();
    try {
      const dir = workspace({});
      expect((await runRoster(['init', '--openldap', '--dir', dir])).code).to.equal(0);
      // The template's bind DN and search base are the fixture's own; only server and CA differ.
      const template = readJson(join(dir, 'config.json')).directory as Json;
      expect([template.bindDn, template.searchBases]).to.deep.equal([SERVICE_BIND_DN, [PEOPLE_DN]]);
      pointAt(dir, { url: ldap.ldapsUrl, caFile: ldap.caFile });
      writeFileSync(join(dir, 'secrets', 'bind-password'), `${ldap.bindPassword}\n`);
      const run = await runRoster(['export', '--config', join(dir, 'config.json')]);
      expect(run.code, run.all).to.equal(0);
      expect(readFileSync(join(dir, 'adextract.csv'), 'utf8')).to.equal(readFileSync(new URL('../../../fixtures/ldap-expected.csv', import.meta.url), 'utf8'));
    } finally {
      await ldap.stop();
    }
  });

  it('--ad output is accepted by export against Samba AD, giving the expected CSV', async function () {
    this.timeout(180_000);
    requireBinary(this, SAMBA_BINARY, SAMBA_PACKAGES);
    const ad = await startSamba();
    const dir = workspace({});
    expect((await runRoster(['init', '--ad', '--dir', dir])).code).to.equal(0);
    pointAt(dir, { url: [ad.ldapsUrl], caFile: ad.caFile, bindDn: ad.bindDn, searchBases: [STAFF_DN] });
    writeFileSync(join(dir, 'secrets', 'bind-password'), ad.bindPassword); // the file init's config names
    const run = await runRoster(['export', '--config', join(dir, 'config.json')]);
    expect(run.code, run.all).to.equal(0);
    expect(readFileSync(join(dir, 'adextract.csv'), 'utf8')).to.equal(readFileSync(new URL('../../../fixtures/ad-expected.csv', import.meta.url), 'utf8'));
  });
});
