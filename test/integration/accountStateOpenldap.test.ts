// OpenLDAP with the ppolicy and memberof overlays, and OpenLDAP with posix (shadow) data alone,
// driven through the built CLI: a config written by `roster init --openldap` exports exactly the
// enabled people with mail; attribute aliases, excludeExpired, memberOf and pick work as on AD.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTS_GROUP, PEOPLE_DN, enabledFilter, expectedExport, isHost, type Flavour, type Mapping } from '../harness/account-fixture.js';
import { stateLdif } from '../harness/account-ldif.js';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { DEFAULT_LDAP_FIELDS, configFor, initFor, ldapsearchCount, rosterWith } from '../harness/initSetup.js';
import { SLAPD, startSlapd, type SlapdDirectory } from '../harness/slapd.js';

/** The mapping roster init writes for OpenLDAP and 389-ds. */
const INIT_FIELDS: Mapping = DEFAULT_LDAP_FIELDS;
const PERMANENT = 'locked (pwdAccountLockedTime 000001010000Z)';

async function slapdWith(flavour: Flavour): Promise<SlapdDirectory> {
  const dir = workspace({});
  const ldif = join(dir, `${flavour}.ldif`);
  writeFileSync(ldif, stateLdif(flavour));
  return startSlapd({ ldifFiles: [ldif], overlays: flavour === 'ppolicy' });
}

describe('roster against OpenLDAP with ppolicy and memberof', function () {
  let ldap: SlapdDirectory;
  before(async function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
    ldap = await slapdWith('ppolicy');
  });
  after(() => ldap?.stop());

  it("exports exactly the enabled people with mail with init's config: an administrator's lock out, a lockout after failed binds in", async () => {
    const run = await rosterWith(await initFor('openldap', ldap), ['export']);
    expect(run.code, run.all).to.equal(0);
    const expected = expectedExport('ppolicy', INIT_FIELDS);
    expect(run.csv).to.equal(expected.csv);
    expect(await ldapsearchCount(ldap, PEOPLE_DN, enabledFilter('ppolicy'))).to.equal(expected.rows);
    expect(run.csv).to.include('tom.tempo@example.org').and.include('olga.once@example.org');
    expect(run.stdout).to.include(`left out, ${PERMANENT}: 4`);
    expect(run.stdout).to.include(
      'left out, expired (shadowExpire): 2, e.g. uid=expired1,ou=People,dc=example,dc=org; uid=expired2,ou=People,dc=example,dc=org',
    );
    expect(run.stderr).to.include(`${ldap.ldapsUrl}: OpenLDAP with ppolicy (from its root DSE)`);
  });

  it('reads attributes named by any of their names (rfc822Mailbox, surname…), whatever name the server answers with', async () => {
    const aliases = { ...INIT_FIELDS, LASTNAME: 'surname', EMAIL: 'RFC822MAILBOX', MOBILE: 'mobileTelephoneNumber', SITE: 'localityName' };
    const run = await rosterWith(configFor(ldap, {}, aliases), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('ppolicy', INIT_FIELDS).csv);
  });

  it('leaves out expired accounts with excludeExpired by shadowExpire (AD has accountExpires)', async () => {
    const run = await rosterWith(configFor(ldap, { excludeExpired: true }), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('ppolicy', INIT_FIELDS).csv);
    expect(run.stdout).to.include('left out, expired (shadowExpire): 2');
  });

  it('accountState "ppolicy" alone keeps people whose posix account expired', async () => {
    const run = await rosterWith(await initFor('openldap', ldap, { accountState: 'ppolicy' }), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.include('eve.expired@example.org');
    expect(run.stdout).not.to.include('shadowExpire');
  });

  it('keeps only members of directory.memberOf, nested groups included', async () => {
    const run = await rosterWith(configFor(ldap, { memberOf: [HOSTS_GROUP] }), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('ppolicy', INIT_FIELDS, { only: isHost }).csv);
  });

  it('takes the first mail value as returned with pick "first"', async () => {
    const fields = { ...INIT_FIELDS, EMAIL: { attribute: 'mail', pick: 'first' } };
    const run = await rosterWith(configFor(ldap, {}, fields), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('ppolicy', INIT_FIELDS, { pick: 'first' }).csv);
  });

  it('check names the server and refuses a rule it does not have (exit 2)', async () => {
    const check = await rosterWith(await initFor('openldap', ldap), ['check']);
    expect(check.stdout).to.match(/✔ bind .*\n\s+server: OpenLDAP with ppolicy \(from its root DSE\)\n/);
    const run = await rosterWith(await initFor('openldap', ldap, { accountState: 'ad' }), ['export']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include(`directory.accountState: "ad" reads userAccountControl, which OpenLDAP with ppolicy does not have (${ldap.ldapsUrl})`);
  });

  it('officevibe export picks the mail value for users.csv too', async () => {
    const dir = workspace({
      'config.json': {
        directory: {
          url: ldap.ldapsUrl,
          caFile: ldap.caFile,
          bindDn: ldap.bindDn,
          bindPasswordEnv: 'PW',
          searchBases: [PEOPLE_DN],
          filter: '(objectClass=inetOrgPerson)',
        },
        export: {
          users: { id: 'uid', email: { attribute: 'mail', pick: { matching: '@example\\.org$' } }, firstName: 'givenName', lastName: 'sn', jobTitle: 'title' },
          groups: { dns: [HOSTS_GROUP] },
        },
      },
    });
    const run = await runRoster(['officevibe', 'export', '--config', join(dir, 'config.json')], { env: { PW: ldap.bindPassword } });
    expect(run.code, run.all).to.equal(0);
    const users = readFileSync(join(dir, 'Data', 'users.csv'), 'utf8');
    expect(users).to.include('edsger,edsger.dijkstra@example.org').and.include('barbara,barbara.liskov@example.org');
    expect(users).not.to.include('@mail.example.org');
    expect(users).not.to.include('lucy.locked@example.org');
  });
});

describe('roster against OpenLDAP with posix accounts and no ppolicy', function () {
  let ldap: SlapdDirectory;
  before(async function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
    ldap = await slapdWith('shadow');
  });
  after(() => ldap?.stop());

  it("leaves out accounts past their shadowExpire with init's config, judged by roster", async () => {
    const run = await rosterWith(await initFor('openldap', ldap), ['export']);
    expect(run.code, run.all).to.equal(0);
    const expected = expectedExport('shadow', INIT_FIELDS);
    expect(run.csv).to.equal(expected.csv);
    expect(await ldapsearchCount(ldap, PEOPLE_DN, enabledFilter('shadow'))).to.equal(expected.rows);
    expect(run.stdout).to.include('left out, expired (shadowExpire): 2');
    expect(run.stderr).to.include(`${ldap.ldapsUrl}: OpenLDAP without ppolicy (from its root DSE)`);
  });

  it('refuses accountState "ppolicy" where the overlay is not loaded (exit 2), naming the server', async () => {
    const run = await rosterWith(await initFor('openldap', ldap, { accountState: 'ppolicy' }), ['export']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('directory.accountState: "ppolicy" reads pwdAccountLockedTime, which OpenLDAP without ppolicy does not have');
    expect(run.csv).to.equal(undefined);
  });
});
