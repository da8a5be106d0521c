// Personal data handled with care: an EMAIL with control or invisible characters, a dot at the
// local part's ends or beyond RFC 5321's lengths is never pushed; a line break in a rejected value
// cannot forge an entry in the text log; every file roster writes with names in it (the CSV, the
// last push, the change list, reports, the log file) is readable by its owner only.
import { expect } from 'chai';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { FILTER, ldifLine, PEOPLE_DN, SEARCH_BASE, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD, skeletonLdif } from '../harness/ldap-fixture.js';
import { startSlapd, type SlapdDirectory } from '../harness/slapd.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startIlobbySandbox, type IlobbySandbox } from '../sandbox/ilobby.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const SECRET_ENV = 'ROSTER_TEST_CLIENT_SECRET';
const FORGED = '2026-01-01T00:00:00.000Z ERROR forged entry';
/** Values no address holds, each as a directory or an HR system might hand it over. */
const HOSTILE: Record<string, string> = {
  newline: `eve@example.org\n${FORGED}`,
  c0: 'soh\u0001@example.org',
  del: 'del\u007f@example.org',
  zeroWidth: 'zw\u200b@example.org',
  bidi: '\u202eevil@example.org',
  leadingDot: '.dot@example.org',
  hugeLocalPart: `${'a'.repeat(100_000)}@example.org`,
};
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('personal data', function () {
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  describe('from the directory', () => {
    let ldap: SlapdDirectory;
    before(async function () {
      requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
      // EMAIL comes from description (a UTF-8 string: mail itself is ASCII-only in LDAP).
      const people = [['ada', 'ada@example.org'], ...Object.entries(HOSTILE)].map(
        ([uid, email]) =>
          `${ldifLine('dn', `uid=${uid},${PEOPLE_DN}`)}objectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\ngivenName: ${uid}\n${ldifLine('description', email!)}\n`,
      );
      const dir = workspace({ 'people.ldif': `${skeletonLdif()}${people.join('')}` });
      ldap = await startSlapd({ ldifFiles: [join(dir, 'people.ldif')] });
    });
    after(async () => ldap?.stop());

    function exportIn(dir: string, args: string[] = []) {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          directory: {
            url: ldap.ldapsUrl,
            caFile: ldap.caFile,
            bindDn: SERVICE_BIND_DN,
            bindPasswordEnv: 'ROSTER_TEST_BIND',
            searchBases: [SEARCH_BASE],
            filter: FILTER,
          },
          fields: 'people.fields.json',
          csv: { path: 'people.csv' },
        }),
      );
      writeFileSync(
        join(dir, 'people.fields.json'),
        JSON.stringify({
          FIRSTNAME: 'givenName',
          LASTNAME: 'sn',
          TITLE: 'title',
          DIVISION: 'ou',
          EMAIL: 'description',
          MOBILE: 'mobile',
          DESKPHONE: 'telephoneNumber',
          SITE: 'l',
        }),
      );
      return runRoster(['export', '--config', 'config.json', '--log-file', 'roster.log', ...args], {
        cwd: dir,
        env: { ROSTER_TEST_BIND: SERVICE_BIND_PASSWORD },
      });
    }

    it('skips every address with control or invisible characters, a leading dot or a 100,000-character local part', async () => {
      const dir = workspace({});
      const run = await exportIn(dir);
      expect(run.code, run.all).to.equal(0);
      expect(readFileSync(join(dir, 'people.csv'), 'utf8')).to.equal(`${HEADER}\nada,ada,,,ada@example.org,,,\n`);
      expect(run.stdout).to.include(`skipped (invalid email): ${Object.keys(HOSTILE).length}`);
      // Shown escaped: what is invisible on screen is visible in the summary.
      expect(run.stdout).to.match(/\\u200b|\\u0001|\\u007f|\\u202e|\\n/);
      // eslint-disable-next-line no-control-regex -- the invisible characters must not reach the log raw
      expect(run.all).not.to.match(/[\u0001\u007f\u200b\u202e]/);
      expect(run.all).not.to.include('a'.repeat(1000));
      const log = readFileSync(join(dir, 'roster.log'), 'utf8');
      expect(log.split('\n').filter((line) => line.startsWith(FORGED))).to.deep.equal([]);
    });

    it('the CSV, the change list and the run reports are 0600, the log file too; a CSV an admin made 0400 stays 0400', async () => {
      const dir = workspace({});
      expect((await exportIn(dir, ['--diff-out', 'changes.csv'])).code).to.equal(0);
      const reports = readdirSync(join(dir, 'state', 'reports')).map((f) => join(dir, 'state', 'reports', f));
      for (const file of [join(dir, 'people.csv'), join(dir, 'changes.csv'), join(dir, 'roster.log'), ...reports]) expect(modeOf(file), file).to.equal('600');
      chmodSync(join(dir, 'people.csv'), 0o400);
      expect((await exportIn(dir)).code).to.equal(0);
      expect(modeOf(join(dir, 'people.csv'))).to.equal('400');
    });
  });

  describe('roster upload FILE', () => {
    let service: IlobbySandbox;
    before(async () => {
      service = await startIlobbySandbox({ sites: ['Toronto'] });
    });
    after(async () => service?.stop());

    function uploadIn(dir: string, csv: string) {
      writeFileSync(join(dir, 'hr.csv'), csv);
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          directory: { url: 'ldaps://127.0.0.1:9', bindDn: 'cn=unused', bindPasswordEnv: 'ROSTER_TEST_UNUSED', searchBases: ['dc=unused'] },
          ilobby: {
            tokenUrl: service.tokenUrl,
            uploadUrl: service.uploadUrl,
            clientId: DEFAULT_CLIENT_ID,
            clientSecretEnv: SECRET_ENV,
            caFile: service.caFile,
            sites: ['Toronto'],
          },
        }),
      );
      return runRoster(['upload', 'hr.csv', '--first-push', '--config', 'config.json', '--log-file', 'roster.log', '--report', 'report.json'], {
        cwd: dir,
        env: { [SECRET_ENV]: DEFAULT_CLIENT_SECRET },
      });
    }

    it('refuses a file with such addresses, sending nothing; a line break in one forges no log entry', async () => {
      const dir = workspace({});
      const lines = Object.values(HOSTILE).map((email) => `X,Y,,,"${email}",,,Toronto`);
      const run = await uploadIn(dir, `${HEADER}\nAda,Lovelace,,,ada@example.org,,,Toronto\n${lines.join('\n')}\n`);
      expect(run.code, run.all).to.equal(2);
      expect(service.uploads).to.have.length(0);
      expect(run.stderr.match(/: EMAIL ".*is not a valid address/g), run.stderr).to.have.length(lines.length);
      expect(run.stderr).to.include(`EMAIL "eve@example.org\\n${FORGED}" is not a valid address`);
      const log = readFileSync(join(dir, 'roster.log'), 'utf8').split('\n');
      expect(log.filter((line) => line.startsWith(FORGED))).to.deep.equal([]);
      expect(log.filter((line) => /^\S/.test(line)).every((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (DEBUG|INFO|WARN|ERROR|RESULT) /.test(line))).to.equal(true);
      expect(run.stderr.split('\n').filter((line) => line.startsWith(FORGED))).to.deep.equal([]);
    });

    it('the last push, the report and the log file are 0600', async () => {
      const dir = workspace({});
      const run = await uploadIn(dir, `${HEADER}\nAda,Lovelace,,,ada@example.org,,,Toronto\n`);
      expect(run.code, run.all).to.equal(0);
      const reports = readdirSync(join(dir, 'state', 'reports')).map((f) => join(dir, 'state', 'reports', f));
      for (const file of [join(dir, 'state', 'ilobby', 'last-push.csv'), join(dir, 'report.json'), join(dir, 'roster.log'), ...reports]) {
        expect(modeOf(file), file).to.equal('600');
      }
    });
  });
});
