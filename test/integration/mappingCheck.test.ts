// A wrong mapping is caught before it reaches a service: `check` names an attribute the
// directory's schema does not define (with the closest real names) and exits 2; `check`, `export`
// and `sync` show how many rows fill each column and warn about a column left empty.
import { expect } from 'chai';
import { join } from 'node:path';
import { DEFAULT_FIELDS } from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { FIELD_MAPPING, FILTER, SEARCH_BASE, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD } from '../harness/ldap-fixture.js';
import { useSamba } from '../harness/sambaSuite.js';
import { startSlapd, type SlapdDirectory } from '../harness/slapd.js';
import { expectedRecords, rosterIn, startSandbox, syncConfig } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';

/** The default mapping with a typo in FIRSTNAME and SITE read from `l`, which no one in the fixture has. */
const WRONG_FIELDS = { ...DEFAULT_FIELDS, FIRSTNAME: 'givnName', SITE: 'l' };

describe('the mapping checked against Active Directory (Samba)', function () {
  let service: IlobbySandbox;
  const ad = useSamba();
  before(async () => {
    service = await startSandbox();
  });
  after(async () => service?.stop());

  const inWorkspace = (fields: unknown) =>
    workspace({ 'config.json': { ...syncConfig(ad(), service), fields: 'fields.config.json' }, 'fields.config.json': fields });

  it('check exits 2 naming the unknown attribute with the closest real name, and warns about the column no one fills', async () => {
    const dir = inWorkspace(WRONG_FIELDS);
    const run = await rosterIn(ad(), dir, ['check']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stdout).to.match(/✘ schema\s+.*FIRSTNAME: "givnName" is not an attribute of the directory's schema; did you mean givenName\?/);
    expect(run.stdout).to.match(/⚠ fill\s+FIRSTNAME is empty on every row \(from givnName, in /);
    expect(run.stdout).to.match(/⚠ fill\s+SITE is empty on every row \(from l, in /);
    expect(run.stdout).to.match(/check failed: .* the first: schema \(.*\), exit 2/);
    // The fill table under the rows step: every column with its count.
    const rows = expectedRecords.length;
    expect(run.stdout).to.match(new RegExp(`rows with a value, per column \\(of ${rows}\\):`));
    expect(run.stdout).to.match(/FIRSTNAME\s+0\s+0%\s+givnName\s+<- empty on every row/);
    expect(run.stdout).to.match(new RegExp(`LASTNAME\\s+${rows}\\s+100%\\s+sn\\n`));
  });

  it('check passes the schema step for the default mapping', async () => {
    const run = await rosterIn(ad(), inWorkspace(DEFAULT_FIELDS), ['check']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.match(/✔ schema\s+the 9 attribute\(s\) .* names are all in the schema \(CN=Schema,CN=Configuration,DC=corp,DC=example,DC=com\)/);
    expect(run.stdout).not.to.match(/⚠ fill/);
  });

  it('export prints the fill table and warns about each empty column; --verbose names the unknown attribute', async () => {
    const dir = inWorkspace(WRONG_FIELDS);
    const run = await rosterIn(ad(), dir, ['export']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.match(/FIRSTNAME\s+0\s+0%\s+givnName\s+<- empty on every row/);
    expect(run.stdout).to.match(/SITE\s+0\s+0%\s+l\s+<- empty on every row/);
    expect(run.stderr).to.match(/warn: FIRSTNAME is empty on every row \(from givnName, in /);
    expect(run.stderr).to.match(/warn: SITE is empty on every row \(from l, in /);
    expect(run.stderr).not.to.include('did you mean');

    const verbose = await rosterIn(ad(), dir, ['export', '--verbose']);
    expect(verbose.code, verbose.all).to.equal(0);
    expect(verbose.stderr).to.match(
      /warn: .*fields\.config\.json: FIRSTNAME: "givnName" is not an attribute of the directory's schema; did you mean givenName\?/,
    );
  });

  it('sync --dry-run warns about the empty columns too', async () => {
    const run = await rosterIn(ad(), inWorkspace(WRONG_FIELDS), ['sync', '--dry-run']);
    expect(run.stderr).to.match(/warn: SITE is empty on every row \(from l, in /);
    expect(run.stderr).to.match(/SITE\s+0\s+0%\s+l\s+<- empty on every row/);
  });
});

describe('the mapping checked against OpenLDAP (the subschema entry)', function () {
  let ldap: SlapdDirectory | undefined;
  before(function () {
    requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
  });
  after(async () => ldap?.stop());

  it('check exits 2 for "givnName" and "telephonNumber", suggesting givenName and telephoneNumber', async () => {
    ldap = await startSlapd();
    const dir = workspace({
      'config.json': {
        directory: {
          url: ldap.ldapsUrl,
          caFile: ldap.caFile,
          bindDn: SERVICE_BIND_DN,
          bindPasswordFile: 'bind-password.txt',
          searchBases: [SEARCH_BASE],
          filter: FILTER,
        },
        fields: 'people.fields.json',
      },
      'people.fields.json': { ...FIELD_MAPPING, FIRSTNAME: 'givnName', DESKPHONE: 'telephonNumber' },
      'bind-password.txt': `${SERVICE_BIND_PASSWORD}\n`,
    });
    const run = await runRoster(['check', '--config', join(dir, 'config.json')]);
    expect(run.code, run.all).to.equal(2);
    expect(run.stdout).to.include('FIRSTNAME: "givnName" is not an attribute of the directory\'s schema; did you mean givenName?');
    expect(run.stdout).to.include('DESKPHONE: "telephonNumber" is not an attribute of the directory\'s schema; did you mean telephoneNumber?');
  });
});
