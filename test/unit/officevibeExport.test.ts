// The pure parts of `roster officevibe export`: ranged values, objectGUID, users and groups from
// directory records.
import { expect } from 'chai';
import type { DirectoryGroup } from '../../src/directory/groups.js';
import { guidText } from '../../src/directory/binary.js';
import { parseRangedAttribute, rangeRequest } from '../../src/directory/valueRange.js';
import { DEFAULT_USER_ATTRIBUTES } from '../../src/officevibe/config.js';
import { buildGroupExport } from '../../src/officevibe/directoryGroups.js';
import { OfficevibeUserCollector, userAttributeUses } from '../../src/officevibe/directoryUsers.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';

describe('AD ranged values and objectGUID', () => {
  it('reads the range of an attribute name and asks for the next one', () => {
    expect(parseRangedAttribute('member;range=0-1499')).to.deep.equal({ attribute: 'member', start: 0, end: 1499 });
    expect(parseRangedAttribute('Member;Range=1500-*')).to.deep.equal({ attribute: 'Member', start: 1500, end: '*' });
    expect(parseRangedAttribute('member')).to.equal(undefined);
    expect(rangeRequest('member', 1500, 1500)).to.equal('member;range=1500-2999');
  });

  it('writes objectGUID as AD and PowerShell show it (first three groups byte-swapped)', () => {
    const stored = Buffer.from('67452301ab89efcd0123456789abcdef', 'hex');
    expect(guidText(stored)).to.equal('01234567-89ab-cdef-0123-456789abcdef');
    expect(() => guidText(Buffer.alloc(15))).to.throw(/15 bytes/);
  });
});

const record = (dn: string, attributes: Record<string, string | string[]>): DirectoryRecord => ({
  dn,
  attributes: new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])),
});

describe('users.csv from directory records', () => {
  it('asks for the attributes of every column', () => {
    expect(userAttributeUses({ users: DEFAULT_USER_ATTRIBUTES, picks: {} })).to.deep.equal([
      { where: 'export.users.id', attribute: 'sAMAccountName' },
      { where: 'export.users.email', attribute: 'mail' },
      { where: 'export.users.email', attribute: 'userPrincipalName' },
      { where: 'export.users.firstName', attribute: 'givenName' },
      { where: 'export.users.lastName', attribute: 'sn' },
      { where: 'export.users.jobTitle', attribute: 'title' },
    ]);
  });

  it('applies the email rules, keeps the account whose DN sorts first for a shared id or email, sorts by email', () => {
    const collector = new OfficevibeUserCollector(DEFAULT_USER_ATTRIBUTES);
    collector.add(record('CN=Zed,OU=B', { sAMAccountName: 'zed', mail: ' Zed@X.org ', givenName: ' Zed ', sn: 'Z' }));
    collector.add(record('CN=Upn,OU=B', { sAMAccountName: 'upn', userPrincipalName: 'Upn@X.org' }));
    collector.add(record('CN=Twin,OU=B', { sAMAccountName: 'twin2', mail: 'twin@x.org' }));
    collector.add(record('CN=Twin,OU=A', { sAMAccountName: 'twin1', mail: 'TWIN@x.org' }));
    collector.add(record('CN=Same Id,OU=B', { sAMAccountName: 'zed', mail: 'other@x.org' }));
    collector.add(record('CN=No Id,OU=B', { mail: 'noid@x.org' }));
    collector.add(record('CN=No Mail,OU=B', { sAMAccountName: 'nomail' }));
    collector.add(record('CN=Bad,OU=B', { sAMAccountName: 'bad', mail: 'bad@' }));
    const { users, summary } = collector.finish();
    expect(users.map((u) => [u.values.id, u.values.email, u.values.firstName])).to.deep.equal([
      ['zed', 'other@x.org', ''],
      ['twin1', 'twin@x.org', ''],
      ['upn', 'upn@x.org', ''],
    ]);
    expect(summary.skipped).to.deep.equal({ noId: 1, noEmail: 1, invalidEmail: 1, duplicateId: 1, duplicateEmail: 1 });
    expect(summary.examples.duplicateId).to.deep.equal(['CN=Zed,OU=B (same id "zed" as CN=Same Id,OU=B)']);
    expect(summary.examples.duplicateEmail).to.deep.equal(['CN=Twin,OU=B (same email as CN=Twin,OU=A)']);
  });

  it("takes the value of a multi-valued attribute that sorts first, whatever the server's order", () => {
    const idOf = (uids: string[]) => {
      const collector = new OfficevibeUserCollector({ ...DEFAULT_USER_ATTRIBUTES, id: ['uid'] });
      collector.add(record('uid=b,OU=B', { uid: uids, mail: 'b@x.org' }));
      return collector.finish().users.map((u) => u.values.id);
    };
    expect(idOf(['bravo', 'alpha', ' ', 'charlie'])).to.deep.equal(['alpha']);
    expect(idOf(['charlie', 'bravo', 'alpha'])).to.deep.equal(['alpha']);
  });
});

describe('groups.csv and groups-mapping.csv from directory groups', () => {
  const user = (dn: string, id: string) => ({
    dn,
    values: { id, email: `${id}@x.org`, firstName: '', lastName: '', jobTitle: '', imageUrl: '', language: '' },
  });
  const users = [user('CN=Ann,OU=P', 'ann'), user('CN=Bob,OU=P', 'bob'), user('CN=Cy,OU=P', 'cy')];
  const group = (dn: string, id: string, name: string, members: string[], managedBy?: string): DirectoryGroup => ({ dn, id, name, members, managedBy });

  it('makes membership lines, a manager line, nesting lines, and counts what it leaves out', () => {
    const result = buildGroupExport(
      [
        group('CN=Sales,OU=G', 'g-sales', 'Sales', ['cn=bob,ou=p', 'CN=Ann,OU=P', 'CN=Gone,OU=P', 'CN=East,OU=G', 'CN=Other Group,OU=G'], 'CN=Cy,OU=P'),
        group('CN=East,OU=G', 'g-east', 'East', ['CN=Ann,OU=P'], 'CN=Ann,OU=P'),
        group('CN=Sales Copy,OU=G', 'g-sales', 'Sales', []),
      ],
      users,
    );
    expect(result.groups).to.deep.equal([
      { id: 'g-east', name: 'East' },
      { id: 'g-sales', name: 'Sales' },
    ]);
    expect(result.mappings).to.deep.equal([
      { groupId: 'g-east', userId: 'ann', subGroupId: null, isMember: true, isManager: true },
      { groupId: 'g-sales', userId: 'ann', subGroupId: null, isMember: true, isManager: false },
      { groupId: 'g-sales', userId: 'bob', subGroupId: null, isMember: true, isManager: false },
      { groupId: 'g-sales', userId: 'cy', subGroupId: null, isMember: false, isManager: true },
      { groupId: 'g-sales', userId: null, subGroupId: 'g-east', isMember: null, isManager: null },
    ]);
    const sales = result.reports.find((r) => r.name === 'Sales')!;
    expect(sales).to.deep.include({
      members: 2,
      manager: 'cy@x.org',
      subGroups: 1,
      notExported: 2,
      notExportedExamples: ['CN=Gone,OU=P', 'CN=Other Group,OU=G'],
    });
    expect(result.cycles).to.deep.equal([]);
  });

  it('reports a manager who is not exported, and groups nested in a cycle', () => {
    const result = buildGroupExport([group('CN=A,OU=G', 'a', 'A', ['CN=B,OU=G'], 'CN=Disabled,OU=P'), group('CN=B,OU=G', 'b', 'B', ['CN=A,OU=G'])], users);
    expect(result.managerProblems).to.deep.equal([
      'A: managedBy CN=Disabled,OU=P is not an exported user (disabled, outside directory.searchBases, or not a person), so the group has no manager in Officevibe',
    ]);
    expect(result.cycles.map((c) => c.path)).to.deep.equal([['a', 'b', 'a']]);
  });
});
