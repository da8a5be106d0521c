// roster export against a real Active Directory (Samba AD DC) and the AD fixture.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  contactsInStaff,
  computersInStaff,
  disabledInStaff,
  duplicates,
  EMPTY_DN,
  enabledInStaff,
  expectedExtract,
  PARTNERS_DN,
  rowsExpected,
  skippedInvalidEmail,
  skippedNoEmail,
  STAFF_DN,
  toCsv,
  VISITOR_HOSTS_DN,
} from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { makeCa } from '../harness/certs.js';
import { useSamba } from '../harness/sambaSuite.js';

const expectedCsv = readFileSync(new URL('../../../fixtures/ad-expected.csv', import.meta.url), 'utf8');
const PASSWORD_ENV = 'ROSTER_TEST_BIND_PASSWORD';

describe('roster export from Active Directory (Samba AD DC)', function () {
  const ad = useSamba();

  function directory(overrides: Record<string, unknown> = {}) {
    return {
      url: ad().ldapsUrl,
      caFile: ad().caFile,
      bindDn: ad().bindDn,
      bindPasswordEnv: PASSWORD_ENV,
      searchBases: [STAFF_DN],
      ...overrides,
    };
  }
  async function exportWith(dirOverrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
    const dir = workspace({ 'config.json': { directory: directory(dirOverrides), ...extra } });
    const run = await runRoster(['export', '--config', join(dir, 'config.json')], { env: { [PASSWORD_ENV]: ad().bindPassword, ...env } });
    const csvPath = join(dir, 'adextract.csv');
    return { ...run, dir, csvPath, csv: existsSync(csvPath) ? readFileSync(csvPath, 'utf8') : undefined };
  }

  it('writes exactly the expected CSV for OU=Staff: enabled people only, paged past 1,000, sorted, quoted', async () => {
    expect(rowsExpected).to.be.greaterThan(1000);
    const run = await exportWith();
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedCsv);
    expect(run.stdout).to.include(`entries found: ${enabledInStaff}`);
    expect(run.stdout).to.include(`rows written:  ${rowsExpected}`);
    expect(run.stdout).to.include(`skipped (no email): ${skippedNoEmail}`);
    expect(run.stdout).to.include(`skipped (invalid email): ${skippedInvalidEmail}`);
    expect(run.stdout).to.include(`skipped (duplicate email): ${duplicates}`);
  });

  it('leaves out disabled accounts, contacts and computers that carry mail', () => {
    // The fixture must really contain them, or the test above would prove nothing about them.
    expect(disabledInStaff).to.be.greaterThan(3);
    expect(contactsInStaff).to.be.greaterThan(0);
    expect(computersInStaff).to.be.greaterThan(0);
  });

  it('gives the same CSV with small pages and with StartTLS on ldap://', async () => {
    const small = await exportWith({ pageSize: 100 });
    expect(small.code, small.all).to.equal(0);
    expect(small.csv).to.equal(expectedCsv);
    const startTls = await exportWith({ url: ad().ldapUrl, startTls: true });
    expect(startTls.code, startTls.all).to.equal(0);
    expect(startTls.csv).to.equal(expectedCsv);
  });

  it('reads several search bases into one sorted CSV', async () => {
    const run = await exportWith({ searchBases: [STAFF_DN, PARTNERS_DN] });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(toCsv(expectedExtract({ bases: [STAFF_DN, PARTNERS_DN] }).rows));
  });

  it('restricts to members of a group, nested groups included', async () => {
    const expected = expectedExtract({ memberOf: [VISITOR_HOSTS_DN] });
    expect(expected.rows.length).to.be.greaterThan(2);
    const run = await exportWith({ memberOf: [VISITOR_HOSTS_DN] });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(toCsv(expected.rows));
  });

  it('writes a BOM when csv.bom is true', async () => {
    const run = await exportWith({}, { csv: { bom: true } });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(`\uFEFF${expectedCsv}`);
  });

  it('refuses a wrong password with exit 3 and "invalid credentials", never printing it', async () => {
    const wrong = 'Wrong-Passw0rd-123!';
    const run = await exportWith({}, {}, { [PASSWORD_ENV]: wrong });
    expect(run.code).to.equal(3);
    expect(run.stderr).to.match(/invalid credentials/);
    expect(run.stderr).to.include('AD code 52e');
    expect(run.all).not.to.include(wrong);
    expect(run.csv).to.equal(undefined);
  });

  it('exits 3 naming an unreachable server', async () => {
    const run = await exportWith({ url: 'ldaps://127.0.0.1:1' });
    expect(run.code).to.equal(3);
    expect(run.stderr).to.include('cannot reach ldaps://127.0.0.1:1: ECONNREFUSED');
    expect(run.csv).to.equal(undefined);
  });

  it('exits 3 when the certificate is not trusted, and 2 when caFile is missing', async () => {
    const otherCa = makeCa('some other CA');
    const untrusted = await exportWith({ caFile: otherCa.certFile });
    expect(untrusted.code).to.equal(3);
    expect(untrusted.stderr).to.include(`the TLS certificate of ${ad().ldapsUrl} was not accepted`);
    const noCa = await exportWith({ caFile: undefined });
    expect(noCa.code).to.equal(3);
    expect(noCa.stderr).to.match(/certificate .* was not accepted/);
    const missing = await exportWith({ caFile: 'no-such-ca.pem' });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/directory\.caFile cannot be read: ENOENT/);
  });

  it('exits 3 for a search base that does not exist, writing no CSV', async () => {
    const run = await exportWith({ searchBases: [STAFF_DN, `OU=Gone,${ad().baseDn}`] });
    expect(run.code).to.equal(3);
    expect(run.stderr).to.include(`search base "OU=Gone,${ad().baseDn}" does not exist`);
    expect(run.csv).to.equal(undefined);
  });

  it('exits 2 for a malformed filter (a config fault), before connecting', async () => {
    const run = await exportWith({ filter: '(&(objectClass=user)(sn=x)' });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/directory\.filter is malformed/);
  });

  it('refuses a simple bind over plain ldap:// as the DC does, exit 3', async () => {
    const run = await exportWith({ url: ad().ldapUrl });
    expect(run.code).to.equal(3);
    expect(run.stderr).to.match(/refused a simple bind without TLS/);
  });

  it('exits 2 for config errors, naming the key', async () => {
    const run = await exportWith({ searchBase: STAFF_DN });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('directory.searchBase: unknown key');
  });

  it('writes a header-only CSV and warns for an OU with no people', async () => {
    const run = await exportWith({ searchBases: [EMPTY_DN] });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal('FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE\n');
    expect(run.stderr).to.match(/no rows/);
  });
});
