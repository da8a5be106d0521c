// roster export against OpenLDAP (slapd): the generic-LDAP path.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import {
  DUPLICATE_EMAILS,
  EXPECTED_ROWS,
  FIELD_MAPPING,
  FILTER,
  PEOPLE_IN_BASE,
  SEARCH_BASE,
  SERVICE_BIND_DN,
  SERVICE_BIND_PASSWORD,
} from '../harness/ldap-fixture.js';
import { startSlapd, type SlapdDirectory } from '../harness/slapd.js';
import { parseCsv } from '../sandbox/csv.js';

const expectedCsv = readFileSync(new URL('../../../fixtures/ldap-expected.csv', import.meta.url), 'utf8');

describe('roster export from OpenLDAP', function () {
  const servers: SlapdDirectory[] = [];
  before(function () {
    requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function exportFrom(ldap: SlapdDirectory, overrides: Record<string, unknown> = {}, args: string[] = []) {
    const dir = workspace({
      'config.json': {
        directory: {
          url: ldap.ldapsUrl,
          caFile: ldap.caFile,
          bindDn: SERVICE_BIND_DN,
          bindPasswordFile: 'bind-password.txt',
          searchBases: [SEARCH_BASE],
          filter: FILTER,
          ...overrides,
        },
        fields: 'people.fields.json',
        csv: { path: 'people.csv' },
      },
      'people.fields.json': FIELD_MAPPING,
      'bind-password.txt': `${SERVICE_BIND_PASSWORD}\n`,
    });
    const run = await runRoster(['export', '--config', join(dir, 'config.json'), ...args]);
    const csvPath = join(dir, 'people.csv');
    return { ...run, csv: existsSync(csvPath) ? readFileSync(csvPath, 'utf8') : undefined };
  }

  it('writes the expected CSV with an inetOrgPerson mapping and a password file', async () => {
    const ldap = await startSlapd();
    servers.push(ldap);
    const run = await exportFrom(ldap);
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedCsv);
    expect(run.stdout).to.include(`entries found: ${PEOPLE_IN_BASE}`);
    expect(run.stdout).to.include(`rows written:  ${EXPECTED_ROWS}`);
  });

  it('exits 2 when the CSV cannot be written where csv.path or --out says', async () => {
    const ldap = await startSlapd();
    servers.push(ldap);
    const run = await exportFrom(ldap, {}, ['--out', '/nonexistent-folder/people.csv']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('cannot write the CSV /nonexistent-folder/people.csv: ENOENT');
  });

  it('works over ldap:// with StartTLS', async () => {
    const ldap = await startSlapd();
    servers.push(ldap);
    const run = await exportFrom(ldap, { url: ldap.ldapUrl, startTls: true });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedCsv);
  });

  it('fails with exit 3 instead of writing a truncated CSV when the server stops at a size limit', async () => {
    const ldap = await startSlapd({ sizeLimit: 10 });
    servers.push(ldap);
    const run = await exportFrom(ldap, { pageSize: 5 });
    expect(run.code).to.equal(3);
    expect(run.stderr).to.match(/size limit; the extract would be partial, so nothing is written/);
    // The fix is on the server, for the bind account; a smaller page would not help.
    expect(run.stderr).to.include('limits dn.exact="<bind DN>" size.prtotal=unlimited');
    expect(run.stderr).not.to.include('pageSize');
    expect(run.csv).to.equal(undefined);
  });

  it('reads each entry once when one search base lies inside another, and says so', async () => {
    const ldap = await startSlapd();
    servers.push(ldap);
    const run = await exportFrom(ldap, { searchBases: [SEARCH_BASE, `ou=Contractors,${SEARCH_BASE}`, SEARCH_BASE.toUpperCase()] });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal(expectedCsv);
    expect(run.stdout).to.include(
      `entries found: ${PEOPLE_IN_BASE} (${PEOPLE_IN_BASE} in ${SEARCH_BASE}; ou=Contractors,${SEARCH_BASE}: inside ${SEARCH_BASE}, read with it;`,
    );
    // Only the fixture's real duplicates: no one is a duplicate of their own entry.
    expect(run.stdout).to.include(`skipped (duplicate email): ${DUPLICATE_EMAILS}, e.g.`);
    expect(run.stderr).to.include(`warn: directory.searchBases overlap: "ou=Contractors,${SEARCH_BASE}" is inside "${SEARCH_BASE}"`);
  });
});

describe('the mapping language on OpenLDAP', function () {
  let ldap: SlapdDirectory;
  before(async function () {
    requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
    ldap = await startSlapd();
  });
  after(() => ldap.stop());

  it('transforms, matches on the DN and applies defaults as it does on AD', async () => {
    const dir = workspace({
      'config.json': {
        directory: { url: ldap.ldapsUrl, caFile: ldap.caFile, bindDn: SERVICE_BIND_DN, bindPasswordEnv: 'PW', searchBases: [SEARCH_BASE], filter: FILTER },
        fields: 'fields.json',
      },
      'fields.json': {
        ...FIELD_MAPPING,
        LASTNAME: { attribute: FIELD_MAPPING.LASTNAME, transform: 'upper' },
        SITE: { attribute: 'dn', match: 'ou=(Contractors),ou=People', default: 'Staff' },
      },
    });
    const run = await runRoster(['export', '--config', join(dir, 'config.json')], { env: { PW: SERVICE_BIND_PASSWORD } });
    expect(run.code, run.all).to.equal(0);
    const expected = parseExpected(expectedCsv).map((fields) => fields.map((value, index) => (index === 1 ? value.toLocaleUpperCase() : value)));
    const csv = readFileSync(join(dir, 'adextract.csv'), 'utf8');
    const actual = parseExpected(csv);
    // Every column but SITE as the fixture expects, LASTNAME upper-cased; SITE from the DN.
    expect(actual.map((fields) => fields.slice(0, 7))).to.deep.equal(expected.map((fields) => fields.slice(0, 7)));
    const sites = new Set(actual.map((fields) => fields[7]));
    expect([...sites].sort()).to.deep.equal(['Contractors', 'Staff']);
  });
});

/** The records of a CSV (header left out), with the sandbox's independent RFC 4180 parser. */
function parseExpected(csv: string): string[][] {
  return parseCsv(csv)
    .slice(1)
    .map((record) => record.fields);
}
