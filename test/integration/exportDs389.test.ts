// 389 Directory Server (the server under FreeIPA and Red Hat DS), driven through the built CLI:
// a config written by `roster init --389ds` exports exactly the enabled people with mail, locked
// ones (nsAccountLock in any case, or given by a role's CoS) left out and counted; a misspelt
// search base, a misspelt filter attribute and directory.memberOf behave as on every server.
import { expect } from 'chai';
import { HOSTS_GROUP, PEOPLE_DN, enabledFilter, expectedExport, isHost, type Mapping } from '../harness/account-fixture.js';
import { requireBinary } from '../harness/daemon.js';
import { DS389_PACKAGE, DSCREATE, NS_SLAPD, start389ds, type Ds389Directory } from '../harness/ds389.js';
import { DEFAULT_LDAP_FIELDS, configFor, initFor, ldapsearchCount, rosterWith } from '../harness/initSetup.js';

/** The mapping roster init writes for OpenLDAP and 389-ds. */
const INIT_FIELDS: Mapping = DEFAULT_LDAP_FIELDS;

describe('roster against 389 Directory Server', function () {
  let ds: Ds389Directory;
  before(async function () {
    this.timeout(180_000);
    requireBinary(this, NS_SLAPD, DS389_PACKAGE);
    requireBinary(this, DSCREATE, DS389_PACKAGE);
    requireBinary(this, '/usr/bin/ldapsearch', 'ldap-utils');
    ds = await start389ds();
  });

  it("exports exactly the enabled people with mail with init's config, as many as ldapsearch counts", async () => {
    const dir = await initFor('389ds', ds);
    const run = await rosterWith(dir, ['export']);
    expect(run.code, run.all).to.equal(0);
    const expected = expectedExport('389ds', INIT_FIELDS);
    expect(run.csv).to.equal(expected.csv);
    expect(await ldapsearchCount(ds, PEOPLE_DN, enabledFilter('389ds'))).to.equal(expected.rows);
    // Three locked by nsAccountLock (TRUE, true, True), one by a role: the server's filter leaves them out.
    expect(run.stdout).to.include('left out, locked (nsAccountLock): 4, e.g. uid=locked1,ou=People,dc=example,dc=org');
    expect(run.stdout).to.include('left out, expired (shadowExpire): 2');
    expect(run.stderr).to.match(/^ldaps:\/\/127\.79\.[0-9.]+:\d+: 389 Directory Server 2\.\d\S* \(from its root DSE\)$/m);
  });

  it("leaves locked people out with init --openldap's config too: the server found decides", async () => {
    const run = await rosterWith(await initFor('openldap', ds), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('389ds', INIT_FIELDS).csv);
    expect(run.csv).not.to.include('locked@example.org');
  });

  it('check names the server and the rule it applies', async () => {
    const run = await rosterWith(await initFor('389ds', ds), ['check']);
    expect(run.stdout).to.match(/✔ bind\s+as cn=roster,ou=Services,dc=example,dc=org\n\s+server: 389 Directory Server 2\.\d\S* \(from its root DSE\)\n/);
    expect(run.stdout).to.match(
      /✔ schema .*\n\s+account state: 389 Directory Server 2\.\S+, accountState auto: left out: locked \(nsAccountLock\) by the server, expired \(shadowExpire\) by roster\n/,
    );
  });

  it('fails with exit 3 for a search base that does not exist (389-ds answers its paged search with success)', async () => {
    const missing = 'ou=Montrael,dc=example,dc=org';
    const run = await rosterWith(configFor(ds, { searchBases: [PEOPLE_DN, missing] }), ['export']);
    expect(run.code, run.all).to.equal(3);
    expect(run.stderr).to.include(`search base "${missing}" does not exist on ${ds.ldapsUrl}`);
    expect(run.csv).to.equal(undefined);
    const check = await rosterWith(configFor(ds, { searchBases: [missing] }), ['check']);
    expect(check.code).to.equal(3);
    expect(check.stdout).to.match(/✘ search\s+search base "ou=Montrael,dc=example,dc=org" does not exist/);
  });

  it('stops (exit 2) on a filter attribute the schema lacks; check names the nearest one', async () => {
    const dir = configFor(ds, { filter: '(&(objectClass=inetOrgPerson)(!(nsAccountLocked=true)))' });
    const run = await rosterWith(dir, ['export']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('directory.filter: "nsAccountLocked" is not an attribute of the directory\'s schema; did you mean nsAccountLock?');
    expect(run.csv).to.equal(undefined);
    const check = await rosterWith(dir, ['check']);
    expect(check.code).to.equal(2);
    expect(check.stdout).to.match(
      /✘ schema\s+.*directory\.filter: "nsAccountLocked" is not an attribute of the directory's schema; did you mean nsAccountLock\?/,
    );
  });

  it('keeps only members of directory.memberOf, nested groups included, from the groups themselves', async () => {
    const run = await rosterWith(configFor(ds, { memberOf: [HOSTS_GROUP] }), ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedExport('389ds', INIT_FIELDS, { only: isHost }).csv);
  });

  it('takes the mail value a pick rule names instead of the one that sorts first', async () => {
    const fields = { ...INIT_FIELDS, EMAIL: { attribute: 'mail', pick: { matching: '@example\\.org$' } } };
    const run = await rosterWith(configFor(ds, {}, fields), ['export']);
    expect(run.code, run.all).to.equal(0);
    const csv = run.csv ?? '';
    expect(csv).to.include('edsger.dijkstra@example.org').and.not.include('e.dijkstra@mail.example.org');
    expect(csv).to.include('donald.knuth@example.org');
    expect(csv.split('\n').length).to.equal(expectedExport('389ds', INIT_FIELDS).csv.split('\n').length);
  });
});
