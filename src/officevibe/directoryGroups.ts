// groups.csv and groups-mapping.csv from the groups read in the directory. Pure.
//   a member who is an exported user   → a membership line (isMember TRUE)
//   the group's managedBy, if exported → isManager TRUE on that user's line (isMember FALSE if not a member)
//   a member that is an exported group → a nesting line (subGroupId): a team inside the team
//   any other member (a disabled account, a contact, someone outside the search bases, a group not
//   in export.groups) is left out and counted: nested groups are not flattened, so what Officevibe
//   shows follows the groups listed in export.groups.
import type { DirectoryGroup } from '../directory/groups.js';
import { findNestingCycles, type NestingCycle } from './cycles.js';
import type { DirectoryUser } from './directoryUsers.js';
import type { SyncGroup, SyncMapping } from './request.js';
import { inline } from '../platform/log/printable.js';

export interface GroupReport {
  name: string;
  dn: string;
  members: number;
  manager: string | undefined;
  subGroups: number;
  notExported: number;
  notExportedExamples: string[];
}

export interface GroupExport {
  groups: SyncGroup[];
  mappings: SyncMapping[];
  reports: GroupReport[];
  /** managedBy values that are not exported users. */
  managerProblems: string[];
  /** Groups nested in themselves through other exported groups: Officevibe cannot apply that. */
  cycles: NestingCycle[];
}

const EXAMPLES = 5;

export function buildGroupExport(read: readonly DirectoryGroup[], users: readonly DirectoryUser[]): GroupExport {
  const userByDn = new Map(users.map((user) => [dnKey(user.dn), user]));
  const groups = uniqueById(read).sort((a, b) => compare(a.name.toLowerCase(), b.name.toLowerCase()) || compare(a.id, b.id));
  const groupByDn = new Map(groups.map((group) => [dnKey(group.dn), group]));
  const result: GroupExport = { groups: [], mappings: [], reports: [], managerProblems: [], cycles: [] };

  for (const group of groups) {
    result.groups.push({ id: group.id, name: group.name });
    const memberships = new Map<string, { isMember: boolean; isManager: boolean }>();
    const subGroups: DirectoryGroup[] = [];
    const report: GroupReport = { name: group.name, dn: group.dn, members: 0, manager: undefined, subGroups: 0, notExported: 0, notExportedExamples: [] };
    for (const member of group.members) {
      const user = userByDn.get(dnKey(member));
      const subGroup = groupByDn.get(dnKey(member));
      if (user !== undefined) memberships.set(user.values.id, { isMember: true, isManager: false });
      else if (subGroup !== undefined && subGroup.id !== group.id) subGroups.push(subGroup);
      else {
        report.notExported += 1;
        if (report.notExportedExamples.length < EXAMPLES) report.notExportedExamples.push(inline(member)); // shown in the log
      }
    }
    if (group.managedBy !== undefined) {
      const manager = userByDn.get(dnKey(group.managedBy));
      if (manager === undefined) {
        result.managerProblems.push(
          `${group.name}: managedBy ${group.managedBy} is not an exported user (disabled, outside directory.searchBases, or not a person), so the group has no manager in Officevibe`,
        );
      } else {
        memberships.set(manager.values.id, { isMember: memberships.get(manager.values.id)?.isMember ?? false, isManager: true });
        report.manager = manager.values.email;
      }
    }
    for (const [userId, flags] of [...memberships].sort(([a], [b]) => compare(a, b))) {
      result.mappings.push({ groupId: group.id, userId, subGroupId: null, isMember: flags.isMember, isManager: flags.isManager });
    }
    for (const subGroup of subGroups.sort((a, b) => compare(a.name.toLowerCase(), b.name.toLowerCase()) || compare(a.id, b.id))) {
      result.mappings.push({ groupId: group.id, userId: null, subGroupId: subGroup.id, isMember: null, isManager: null });
    }
    report.members = [...memberships.values()].filter((flags) => flags.isMember).length;
    report.subGroups = subGroups.length;
    result.reports.push(report);
  }
  result.cycles = findNestingCycles(
    result.mappings.flatMap((m, index) => (m.subGroupId === null ? [] : [{ parent: m.groupId, child: m.subGroupId, line: index + 2 }])),
  );
  return result;
}

/** DNs are compared case-insensitively, as the directory does. */
function dnKey(dn: string): string {
  return dn.trim().toLowerCase();
}

/** The same group listed twice (two spellings of its DN, or in dns and found again) is exported once. */
function uniqueById(groups: readonly DirectoryGroup[]): DirectoryGroup[] {
  const seen = new Map<string, DirectoryGroup>();
  for (const group of groups) if (!seen.has(group.id)) seen.set(group.id, group);
  return [...seen.values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
