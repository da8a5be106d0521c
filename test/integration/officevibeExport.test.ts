// roster officevibe export against a real Active Directory (Samba AD DC) and the AD fixture:
// the three files straight from the directory, including a group of more than 1,500 members, then
// pushed to the Officevibe sandbox.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { ALL_EMPLOYEES_DN, NIGHT_SHIFT_DN, OFFICEVIBE_GROUPS_DN, STAFF_DN, WAREHOUSE_DN, WAREHOUSE_LEADS_DN } from '../harness/ad-fixture.js';
import { runRoster } from '../harness/cli.js';
import { expectedGroupFiles, expectedUsers, expectedUsersCsv, memberCount } from '../harness/officevibe-fixture.js';
import type { SambaDirectory } from '../harness/samba.js';
import { useSamba } from '../harness/sambaSuite.js';
import { DEFAULT_API_KEY, startOfficevibeSandbox, type OfficevibeSandbox } from '../sandbox/officevibe.js';

const BIND_ENV = 'ROSTER_TEST_BIND_PASSWORD';
const KEY_ENV = 'ROSTER_TEST_OFFICEVIBE_KEY';
const BASES = [STAFF_DN, WAREHOUSE_DN];

describe('roster officevibe export from Active Directory (Samba AD DC)', function () {
  let service: OfficevibeSandbox;
  let guids: Map<string, string>;

  const ad = useSamba();
  before(async () => {
    service = await startOfficevibeSandbox();
    guids = await readGuids(ad(), [ALL_EMPLOYEES_DN, WAREHOUSE_LEADS_DN, NIGHT_SHIFT_DN]);
  });
  after(async () => service?.stop());

  function config(exportSection: Record<string, unknown>, directory: Record<string, unknown> = {}) {
    return {
      ApiKeyEnv: KEY_ENV,
      SyncManagerEmail: 'emilie.cote@corp.example.com',
      InviteNewUsers: false,
      ApiUrl: service.apiUrl,
      caFile: service.caFile,
      directory: { url: ad().ldapsUrl, caFile: ad().caFile, bindDn: ad().bindDn, bindPasswordEnv: BIND_ENV, searchBases: BASES, ...directory },
      export: exportSection,
    };
  }
  function folder(content: unknown): string {
    const dir = mkdtempSync(join(tmpdir(), 'roster-ov-export-'));
    writeFileSync(join(dir, 'config.json'), `${JSON.stringify(content, null, 2)}\n`);
    return dir;
  }
  const roster = (dir: string, args: string[]) =>
    runRoster(['officevibe', ...args, '--config', join(dir, 'config.json')], {
      cwd: dir,
      env: { [BIND_ENV]: ad().bindPassword, [KEY_ENV]: DEFAULT_API_KEY },
    });
  const data = (dir: string, name: string) => readFileSync(join(dir, 'Data', name), 'utf8');

  it('writes the three files from the directory, reading a group of more than 1,500 members in ranges', async () => {
    const dns = [ALL_EMPLOYEES_DN, WAREHOUSE_LEADS_DN];
    expect(memberCount(ALL_EMPLOYEES_DN)).to.be.greaterThan(1500);
    const dir = folder(config({ groups: { dns } }));
    const run = await roster(dir, ['export', '--verbose']);
    expect(run.code, run.all).to.equal(0);

    const users = expectedUsers(BASES);
    const expected = expectedGroupFiles(dns, guids, users);
    expect(data(dir, 'users.csv')).to.equal(expectedUsersCsv(users));
    expect(data(dir, 'groups.csv')).to.equal(expected.groups);
    expect(data(dir, 'groups-mapping.csv')).to.equal(expected.mappings);

    // Samba, unlike AD, does not cut `member` at 1,500 values by itself; roster asks in ranges of
    // 1,500 everywhere, so the second range is really read here.
    expect(run.stderr).to.include(`${ALL_EMPLOYEES_DN}: ${memberCount(ALL_EMPLOYEES_DN)} members in 2 requests`);
    const allId = guids.get(ALL_EMPLOYEES_DN)!;
    const allRows = expected.mappingRows.filter((r) => r.groupId === allId && r.userId !== '');
    expect(allRows).to.have.length(users.length); // every exported person of Staff and Warehouse is a member
    expect(allRows.find((r) => r.userId === 'ecote')).to.include({ isMember: 'TRUE', isManager: 'TRUE' });
    const leads = expected.mappingRows.filter((r) => r.groupId === guids.get(WAREHOUSE_LEADS_DN));
    expect(leads.find((r) => r.userId === 'tor0001')).to.include({ isMember: 'FALSE', isManager: 'TRUE' });
    expect(run.stdout).to.include(`users written: ${users.length}`);
    // Left out: disabled accounts, the contact, people skipped for their email, and Night Shift (not in dns).
    const leftOut = memberCount(ALL_EMPLOYEES_DN) - allRows.length - 1;
    expect(leftOut).to.be.greaterThan(10);
    expect(run.stdout).to.include(`All Employees: ${users.length} members, manager emilie.cote@corp.example.com, 1 nested group; ${leftOut} members left out`);
    expect(run.stdout).to.include('officevibe: no previous push to compare with');
  });

  it('selects groups with a filter, nesting every exported group found, and pushes the result to Officevibe', async () => {
    const dns = [ALL_EMPLOYEES_DN, WAREHOUSE_LEADS_DN, NIGHT_SHIFT_DN];
    const dir = folder(config({ groups: { filter: '(cn=*)', searchBases: [OFFICEVIBE_GROUPS_DN] } }));
    const run = await roster(dir, ['export']);
    expect(run.code, run.all).to.equal(0);
    const users = expectedUsers(BASES);
    const expected = expectedGroupFiles(dns, guids, users);
    expect(data(dir, 'groups.csv')).to.equal(expected.groups);
    expect(data(dir, 'groups-mapping.csv')).to.equal(expected.mappings);

    const push = await roster(dir, ['push', '--first-push']);
    expect(push.code, push.all).to.equal(0);
    expect(push.stdout).to.include(`officevibe: pushed ${users.length} users, 3 groups, ${expected.mappingRows.length} mappings`);
    expect(service.users().filter((u) => u.status !== 'deactivated')).to.have.length(users.length);
    const groups = new Map(service.groups().map((g) => [g.name, g]));
    expect(groups.get('All Employees')?.members).to.have.length(users.length);
    expect(groups.get('Night Shift')).to.deep.include({ parentId: guids.get(ALL_EMPLOYEES_DN), members: ['wh0010', 'wh0020', 'wh0030'] });
    expect(groups.get('Warehouse Leads')?.managers).to.deep.equal(['tor0001']);

    // A second export compares with that push.
    const again = await roster(dir, ['export']);
    expect(again.stdout).to.include(
      'officevibe, against the last push (people by email):\n  new people 0\n  changed 0\n  to be deactivated 0\n  groups: 0 new, 0 renamed, 0 removed',
    );
  });

  it('--out-dir writes the files elsewhere and leaves the configured ones alone', async () => {
    const dir = folder(
      config({ groups: { dns: [WAREHOUSE_LEADS_DN] }, users: { id: 'userPrincipalName', jobTitle: null, language: 'physicalDeliveryOfficeName' } }),
    );
    const out = join(dir, 'preview');
    const run = await roster(dir, ['export', '--out-dir', out]);
    expect(run.code, run.all).to.equal(0);
    expect(existsSync(join(dir, 'Data'))).to.equal(false);
    const lines = readFileSync(join(out, 'users.csv'), 'utf8').split('\n');
    expect(lines[0]).to.equal('\uFEFFid,email,firstName,lastName,language');
    expect(lines.filter((line) => line.startsWith('wh0001@corp.example.com,') && line.endsWith(',Laval'))).to.have.length(1);
  });

  it('exits 3 for a group that does not exist or is not a group, writing nothing', async () => {
    for (const dn of [`CN=No Such Group,${OFFICEVIBE_GROUPS_DN}`, `OU=Warehouse,${ad().baseDn}`]) {
      const dir = folder(config({ groups: { dns: [dn] } }));
      const run = await roster(dir, ['export']);
      expect(run.code, run.all).to.equal(3);
      expect(run.stderr).to.match(dn.startsWith('CN=') ? /does not exist/ : /is not a group/);
      expect(existsSync(join(dir, 'Data'))).to.equal(false);
    }
  });

  it('exits 2 naming what the config lacks', async () => {
    const dir = folder({ ...config({}), directory: undefined });
    const run = await roster(dir, ['export']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('directory: is required');
    expect(run.stderr).to.include('export.groups: is required');
  });

  it("keeps a group's id when the group is renamed in the directory", async () => {
    const admin = new Client({ url: ad().ldapsUrl, tlsOptions: { ca: readFileSync(ad().caFile) } });
    const before = `CN=Rename Me,${OFFICEVIBE_GROUPS_DN}`;
    const after = `CN=Renamed Team,${OFFICEVIBE_GROUPS_DN}`;
    await admin.bind(ad().adminDn, ad().adminPassword);
    try {
      await admin.add(before, { objectClass: 'group', sAMAccountName: 'Rename Me' }); // empty: its id is what matters here
      const dir = folder(config({ groups: { dns: [before] } }));
      const first = await roster(dir, ['export']);
      expect(first.code, first.all).to.equal(0);
      const [idBefore, nameBefore] = data(dir, 'groups.csv').split('\n')[1]!.split(',');
      expect(nameBefore).to.equal('Rename Me');
      await admin.modifyDN(before, 'CN=Renamed Team');
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config({ groups: { dns: [after] } })));
      const second = await roster(dir, ['export']);
      expect(second.code, second.all).to.equal(0);
      expect(data(dir, 'groups.csv').split('\n')[1]).to.equal(`${idBefore},Renamed Team`);
    } finally {
      await admin.del(after).catch(() => admin.del(before).catch(() => undefined));
      await admin.unbind();
    }
  });
});

/** objectGUIDs in AD's text form, read with a client of the test's own (not roster's code). */
async function readGuids(ad: SambaDirectory, dns: string[]): Promise<Map<string, string>> {
  const client = new Client({ url: ad.ldapsUrl, tlsOptions: { ca: readFileSync(ad.caFile) } });
  await client.bind(ad.bindDn, ad.bindPassword);
  try {
    const guids = new Map<string, string>();
    for (const dn of dns) {
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
      const bytes = searchEntries[0]?.objectGUID as Buffer;
      const h = bytes.toString('hex');
      // The first three groups are little-endian: bytes 3210-54-76, then 89-101112131415 as stored.
      const swap = (hex: string) => hex.match(/../g)!.reverse().join('');
      guids.set(dn, `${swap(h.slice(0, 8))}-${swap(h.slice(8, 12))}-${swap(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`);
    }
    return guids;
  } finally {
    await client.unbind();
  }
}
