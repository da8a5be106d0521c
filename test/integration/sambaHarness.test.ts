// Smoke test of the Samba AD harness itself, with OpenLDAP's ldapsearch as an independent client:
// the fixture loaded, the default filter and the nested-group rule behave as the fixture module
// says, and the DC behaves like AD (simple bind needs TLS).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { requireBinary } from '../harness/daemon.js';
import { startSamba, type SambaDirectory } from '../harness/samba.js';
import { useSamba } from '../harness/sambaSuite.js';
import {
  DEFAULT_FILTER,
  STAFF_DN,
  PARTNERS_DN,
  VISITOR_HOSTS_DN,
  SERVICE_ACCOUNT,
  enabledInStaff,
  visitorHostSamAccountNames,
  partnerEmails,
  expectedExtract,
  rowsExpected,
  LDIF_PATH,
  EXPECTED_CSV_PATH,
  toLdif,
  toCsv,
} from '../harness/ad-fixture.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function ldapsearch(
  dir: SambaDirectory,
  args: string[],
  bind: { dn: string; password: string } = { dn: dir.bindDn, password: dir.bindPassword },
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'ldapsearch',
      ['-x', '-LLL', '-o', 'ldif-wrap=no', '-D', bind.dn, '-w', bind.password, ...args],
      {
        env: { ...process.env, LDAPTLS_CACERT: dir.caFile, LDAPTLS_REQCERT: 'demand' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function values(ldif: string, attribute: string): string[] {
  const prefix = `${attribute.toLowerCase()}:`;
  return ldif
    .split('\n')
    .filter((l) => l.toLowerCase().startsWith(prefix))
    .map((l) => l.slice(prefix.length).trim());
}

describe('Samba AD harness', function () {
  const samba = useSamba();
  let dir: SambaDirectory;

  before(function () {
    requireBinary(this, '/usr/bin/ldapsearch', 'ldap-utils');
    dir = samba();
    console.log(`      samba: provision ${dir.timings.provisionMs} ms, load ${dir.timings.loadMs} ms, start ${dir.timings.startMs} ms`);
  });

  it('hands every caller the same directory', async function () {
    expect(await startSamba()).to.equal(dir);
  });

  it('finds the enabled people of OU=Staff with the default filter (paged, over LDAPS, as the service account)', async function () {
    const r = await ldapsearch(dir, ['-H', dir.ldapsUrl, '-E', 'pr=1000/noprompt', '-b', STAFF_DN, DEFAULT_FILTER, 'sAMAccountName']);
    expect(r.code, r.stderr).to.equal(0);
    const names = values(r.stdout, 'sAMAccountName');
    expect(names).to.have.length(enabledInStaff);
    expect(new Set(names).size).to.equal(enabledInStaff);
    expect(names).to.include.members(expectedExtract().matched.map((e) => e.attrs.sAMAccountName!));
    expect(names).not.to.include(SERVICE_ACCOUNT.sAMAccountName);
  });

  it('resolves nested group membership with LDAP_MATCHING_RULE_IN_CHAIN', async function () {
    const filter = `(&${DEFAULT_FILTER}(memberOf:1.2.840.113556.1.4.1941:=${VISITOR_HOSTS_DN}))`;
    const r = await ldapsearch(dir, ['-H', dir.ldapsUrl, '-b', STAFF_DN, filter, 'sAMAccountName']);
    expect(r.code, r.stderr).to.equal(0);
    expect(values(r.stdout, 'sAMAccountName').sort()).to.deep.equal(visitorHostSamAccountNames);
  });

  it('serves OU=Partners as a second search base', async function () {
    const r = await ldapsearch(dir, ['-H', dir.ldapsUrl, '-b', PARTNERS_DN, DEFAULT_FILTER, 'mail']);
    expect(r.code, r.stderr).to.equal(0);
    expect(
      values(r.stdout, 'mail')
        .map((m) => m.toLowerCase())
        .sort(),
    ).to.deep.equal(partnerEmails);
  });

  it('refuses a simple bind over plain LDAP, as AD does', async function () {
    const r = await ldapsearch(dir, ['-H', dir.ldapUrl, '-s', 'base', '-b', dir.baseDn, 'dn']);
    expect(r.code).to.equal(8); // strongerAuthRequired
    expect(r.stderr).to.match(/Strong\(er\) authentication required/);
  });

  it('accepts a simple bind after StartTLS on 389, and the administrator', async function () {
    const r = await ldapsearch(dir, ['-H', dir.ldapUrl, '-ZZ', '-s', 'base', '-b', dir.baseDn, 'dn']);
    expect(r.code, r.stderr).to.equal(0);
    const a = await ldapsearch(dir, ['-H', dir.ldapsUrl, '-s', 'base', '-b', dir.baseDn, 'dn'], { dn: dir.adminDn, password: dir.adminPassword });
    expect(a.code, a.stderr).to.equal(0);
  });

  it("rejects a wrong password with AD's 52e diagnostic", async function () {
    const r = await ldapsearch(dir, ['-H', dir.ldapsUrl, '-s', 'base', '-b', dir.baseDn, 'dn'], { dn: dir.bindDn, password: 'wrong' });
    expect(r.code).to.equal(49);
    expect(r.stderr).to.match(/data 52e/);
  });
});

describe('AD fixture files', function () {
  it('are what test/harness/ad-fixture.ts generates (else run node dist/test/harness/ad-fixture.js)', function () {
    expect(readFileSync(LDIF_PATH, 'utf8') === toLdif(), 'fixtures/ad-people.ldif is stale').to.equal(true);
    const csv = readFileSync(EXPECTED_CSV_PATH, 'utf8');
    expect(csv === toCsv(expectedExtract().rows), 'fixtures/ad-expected.csv is stale').to.equal(true);
    expect(csv.charCodeAt(0)).not.to.equal(0xfeff);
    expect(csv.startsWith('FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE\n')).to.equal(true);
    expect(rowsExpected).to.be.greaterThan(1000);
  });
});
