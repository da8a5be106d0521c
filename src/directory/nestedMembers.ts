// directory.memberOf on a server without Active Directory's IN_CHAIN matching rule (389-ds,
// OpenLDAP): the members of the groups, nested groups included, from the groups' own `member`
// and `uniqueMember` values. Those are there on every server; a memberOf attribute is there only
// where an overlay or plug-in keeps it, and OpenLDAP's memberof overlay does not follow nesting.
import { DirectoryError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import type { DirectoryConnection } from './connect.js';
import { isWithin, normalizeDn } from './dn.js';
import { GROUP_CLASSES } from './filter.js';
import { searchDirectory } from './search.js';

export interface MemberSearch {
  groups: readonly string[];
  pageSize: number;
  timeoutSeconds: number;
}

/**
 * Every member of `groups`, directly or through nested groups, as normalized DNs (dn.ts). Reads
 * every group of the naming contexts holding them, once: a group's members do not say which of
 * them are groups, the groups' own entries do. A listed group that does not exist is exit 3.
 */
export async function nestedMembers(connection: DirectoryConnection, search: MemberSearch, log: Logger): Promise<Set<string>> {
  const contexts = new Set<string>();
  for (const group of search.groups) {
    const context = connection.server.namingContexts.filter((base) => isWithin(group, base)).sort((a, b) => b.length - a.length)[0];
    contexts.add(context ?? dcSuffix(group));
  }
  const membersByGroup = new Map<string, string[]>();
  await searchDirectory(
    connection,
    {
      searchBases: [...contexts],
      filter: GROUP_CLASSES,
      attributes: ['member', 'uniqueMember'],
      pageSize: search.pageSize,
      timeoutSeconds: search.timeoutSeconds,
    },
    (record) => {
      const members = [...(record.attributes.get('member') ?? []), ...(record.attributes.get('uniquemember') ?? [])];
      // uniqueMember may carry an optional UID after the DN: "uid=ada,ou=People,…#'0101'B".
      membersByGroup.set(
        normalizeDn(record.dn),
        members.map((member) => normalizeDn(member.replace(/#'[01]*'B$/, ''))),
      );
    },
    log,
  );
  for (const group of search.groups) {
    if (membersByGroup.has(normalizeDn(group))) continue;
    throw new DirectoryError(`group "${group}" (directory.memberOf) does not exist on ${connection.url}, or is not a group`, {
      hint: 'Check the DN in directory.memberOf: the full DN of a groupOfNames or groupOfUniqueNames entry, e.g. "cn=Visitor Hosts,ou=Groups,dc=example,dc=org".',
    });
  }
  const members = new Set<string>();
  const queue = search.groups.map((group) => normalizeDn(group));
  const seen = new Set<string>(queue);
  for (let i = 0; i < queue.length; i++) {
    for (const member of membersByGroup.get(queue[i]!) ?? []) {
      members.add(member);
      if (membersByGroup.has(member) && !seen.has(member)) {
        seen.add(member);
        queue.push(member);
      }
    }
  }
  log.debug(`directory.memberOf: ${members.size} members in ${seen.size} groups (nested included) of ${membersByGroup.size} read`);
  return members;
}

/** The dc= part of a DN ("dc=example,dc=org"), where a server names no naming context holding it. */
function dcSuffix(dn: string): string {
  const parts = dn.split(',');
  const first = parts.findIndex((part) => /^\s*dc\s*=/i.test(part));
  return first === -1 ? dn : parts.slice(first).join(',');
}
