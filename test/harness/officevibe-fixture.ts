// What `roster officevibe export` must make of the AD fixture (test/harness/ad-fixture.ts),
// computed from the fixture's definition, never by running roster. Group ids are objectGUIDs the
// directory assigns when the fixture is loaded, so tests read them with their own LDAP client and
// pass them in.
//
// Rules (README, "Officevibe"): the people of the search bases that the default filter matches;
// id = sAMAccountName; email = first non-empty of mail, userPrincipalName, trimmed, lower-cased,
// must look like an address; firstName givenName, lastName sn, jobTitle title (no imageUrl or
// language column: no attribute fills them by default); of two accounts with the same id or email the one whose DN sorts
// first (lower-cased) is kept; users sorted by email. A group's exported members and managedBy
// become membership lines sorted by user id, its exported nested groups nesting lines sorted by
// name; groups sorted by name. Files: UTF-8 with BOM, LF, RFC 4180 quoting.
import { csvField, entryDn, ENTRIES, GROUPS, matchesDefaultFilter, type Entry } from './ad-fixture.js';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ExpectedUser {
  dn: string;
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
}

export interface ExpectedMapping {
  groupId: string;
  userId: string;
  subGroupId: string;
  isMember: string;
  isManager: string;
}

function isUnder(dn: string, base: string): boolean {
  return dn.toLowerCase() === base.toLowerCase() || dn.toLowerCase().endsWith(`,${base.toLowerCase()}`);
}

export function expectedUsers(bases: readonly string[]): ExpectedUser[] {
  const value = (e: Entry, attribute: string) => (e.attrs[attribute] ?? '').trim();
  const candidates = ENTRIES.filter((e) => bases.some((base) => isUnder(entryDn(e), base)) && matchesDefaultFilter(e))
    .map((e) => ({
      dn: entryDn(e),
      id: value(e, 'sAMAccountName'),
      email: (value(e, 'mail') || value(e, 'userPrincipalName')).toLowerCase(),
      firstName: value(e, 'givenName'),
      lastName: value(e, 'sn'),
      jobTitle: value(e, 'title'),
    }))
    .filter((u) => u.id !== '' && EMAIL_SHAPE.test(u.email))
    .sort((a, b) => (a.dn.toLowerCase() < b.dn.toLowerCase() ? -1 : 1));
  const ids = new Set<string>();
  const emails = new Set<string>();
  const users: ExpectedUser[] = [];
  for (const user of candidates) {
    if (ids.has(user.id) || emails.has(user.email)) continue;
    ids.add(user.id);
    emails.add(user.email);
    users.push(user);
  }
  return users.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** users.csv as export writes it. */
export function expectedUsersCsv(users: readonly ExpectedUser[]): string {
  // imageUrl and language have no attribute by default, so they are not written at all.
  const lines = ['id,email,firstName,lastName,jobTitle', ...users.map((u) => [u.id, u.email, u.firstName, u.lastName, u.jobTitle].map(csvField).join(','))];
  return `\uFEFF${lines.map((line) => `${line}\n`).join('')}`;
}

/** groups.csv and groups-mapping.csv for the groups `dns`, whose ids are `ids` (DN → objectGUID). */
export function expectedGroupFiles(
  dns: readonly string[],
  ids: ReadonlyMap<string, string>,
  users: readonly ExpectedUser[],
): { groups: string; mappings: string; mappingRows: ExpectedMapping[] } {
  const groups = GROUPS.filter((g) => dns.includes(entryDn(g))).sort((a, b) => (a.cn.toLowerCase() < b.cn.toLowerCase() ? -1 : 1));
  const userByDn = new Map(users.map((u) => [u.dn.toLowerCase(), u]));
  const idOf = (dn: string) => {
    const id = ids.get(dn);
    if (id === undefined) throw new Error(`no objectGUID given for ${dn}`);
    return id;
  };
  const rows: ExpectedMapping[] = [];
  for (const group of groups) {
    const dn = entryDn(group);
    const flags = new Map<string, { member: boolean; manager: boolean }>();
    for (const e of ENTRIES) {
      const user = userByDn.get(entryDn(e).toLowerCase());
      if (user !== undefined && e.memberOf.includes(dn)) flags.set(user.id, { member: true, manager: false });
    }
    const manager = group.attrs.managedBy === undefined ? undefined : userByDn.get(group.attrs.managedBy.toLowerCase());
    if (manager !== undefined) flags.set(manager.id, { member: flags.get(manager.id)?.member ?? false, manager: true });
    for (const [userId, f] of [...flags].sort(([a], [b]) => (a < b ? -1 : 1))) {
      rows.push({ groupId: idOf(dn), userId, subGroupId: '', isMember: f.member ? 'TRUE' : 'FALSE', isManager: f.manager ? 'TRUE' : 'FALSE' });
    }
    const nested = GROUPS.filter((g) => group.groups.includes(entryDn(g)) && dns.includes(entryDn(g))).sort((a, b) =>
      a.cn.toLowerCase() < b.cn.toLowerCase() ? -1 : 1,
    );
    for (const sub of nested) rows.push({ groupId: idOf(dn), userId: '', subGroupId: idOf(entryDn(sub)), isMember: '', isManager: '' });
  }
  const csv = (lines: string[]) => `\uFEFF${lines.map((line) => `${line}\n`).join('')}`;
  return {
    groups: csv(['id,name', ...groups.map((g) => [idOf(entryDn(g)), g.cn].map(csvField).join(','))]),
    mappings: csv(['groupId,userId,subGroupId,isMember,isManager', ...rows.map((r) => [r.groupId, r.userId, r.subGroupId, r.isMember, r.isManager].join(','))]),
    mappingRows: rows,
  };
}

/** Member values of a fixture group: entries and nested groups. */
export function memberCount(groupDn: string): number {
  const group = GROUPS.find((g) => entryDn(g) === groupDn);
  if (group === undefined) throw new Error(`no fixture group ${groupDn}`);
  return ENTRIES.filter((e) => e.memberOf.includes(groupDn)).length + group.groups.length;
}
