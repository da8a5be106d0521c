// Reads groups for `roster officevibe export`: each group's id, name, manager and every member,
// past Active Directory's MaxValRange (ranged retrieval, see valueRange.ts). A member list that
// stops short is an error, never a shorter list: Officevibe would drop the missing memberships.
import { NoSuchObjectError, type Entry } from 'ldapts';
import { DirectoryError } from '../platform/errors.js';
import { guidText } from './binary.js';
import type { Logger } from '../platform/log/logger.js';
import { firstValue } from '../mapping/record.js';
import type { DirectoryConnection } from './connect.js';
import { GROUP_CLASSES } from './filter.js';
import { searchFailure } from './failures.js';
import { searchDirectory } from './search.js';
import { parseRangedAttribute, rangeRequest, type ValueRange } from './valueRange.js';
import { unlessLost } from './socketWatch.js';

export interface DirectoryGroup {
  dn: string;
  /** objectGUID in its usual text form (AD, Samba), or entryUUID (OpenLDAP): stable across renames and moves. */
  id: string;
  /** displayName, or cn. */
  name: string;
  managedBy: string | undefined;
  /** Member DNs: people, contacts, other groups. */
  members: string[];
}

/** AD's default MaxValRange; asking for this many per request works everywhere ranges are supported. */
const RANGE_SIZE = 1500;
const GUID_NAMES = ['objectGUID', 'objectGuid', 'objectguid', 'OBJECTGUID'];

/** The DNs of the groups `filter` (from buildGroupFilter) selects under `searchBases` (paged, like the people search). */
export async function findGroups(
  connection: DirectoryConnection,
  selection: { filter: string; searchBases: readonly string[]; pageSize: number; timeoutSeconds: number },
  log: Logger,
): Promise<string[]> {
  const { filter } = selection;
  const dns: string[] = [];
  await searchDirectory(
    connection,
    { searchBases: selection.searchBases, filter, attributes: ['cn'], pageSize: selection.pageSize, timeoutSeconds: selection.timeoutSeconds },
    (record) => dns.push(record.dn),
    log,
  );
  return dns;
}

export async function readGroup(connection: DirectoryConnection, dn: string, timeoutSeconds: number, log: Logger): Promise<DirectoryGroup> {
  const first = await readEntry(
    connection,
    dn,
    [GUID_NAMES[0]!, 'entryUUID', 'cn', 'displayName', 'managedBy', rangeRequest('member', 0, RANGE_SIZE)],
    timeoutSeconds,
  );
  const guid = GUID_NAMES.map((name) => first[name]).find((value) => value !== undefined && !(Array.isArray(value) && value.length === 0));
  const guidBytes = Array.isArray(guid) ? guid[0] : guid;
  const id = Buffer.isBuffer(guidBytes) && guidBytes.length === 16 ? guidText(guidBytes) : textValues(first, 'entryUUID')[0];
  if (id === undefined) {
    throw new DirectoryError(`group "${dn}" has neither objectGUID nor entryUUID, so it has no stable id for Officevibe`, {
      hint: 'Check that the bind account may read objectGUID (AD) or entryUUID (OpenLDAP).',
    });
  }
  // cn may hold several values (OpenLDAP): the same rule as every other value picks one.
  const name = firstValue({ dn, attributes: { get: (attribute) => textValues(first, attribute) } }, ['displayName', 'cn']) || dn;
  const members = await readMembers(connection, dn, first, timeoutSeconds, log);
  return { dn, id, name, managedBy: textValues(first, 'managedBy')[0], members };
}

/**
 * Asks for `member` in ranges of 1,500 and follows the answers (`member;range=0-1499`, then
 * `member;range=1500-*`) until one ends in `*`. A group that answers no range is either empty or
 * on a server without ranged retrieval (OpenLDAP answers nothing to a ranged request): then
 * `member` is read whole, which tells the two apart.
 */
async function readMembers(connection: DirectoryConnection, dn: string, first: Entry, timeoutSeconds: number, log: Logger): Promise<string[]> {
  let answer = memberValues(first);
  let requests = 1;
  if (answer === undefined) {
    answer = memberValues(await readEntry(connection, dn, ['member'], timeoutSeconds));
    requests += 1;
  }
  const members: string[] = [];
  let start = 0;
  while (answer !== undefined) {
    const { values, range } = answer;
    if (range === undefined ? start > 0 : range.start !== start) {
      throw partial(
        dn,
        start,
        `the server answered ${range === undefined ? 'with the whole attribute' : `with range ${range.start}-${range.end}`} when asked for range ${start}-${start + RANGE_SIZE - 1}`,
      );
    }
    members.push(...values);
    if (range === undefined || range.end === '*') break;
    if (range.end < range.start) throw partial(dn, start, `the server answered with range ${range.start}-${range.end}`);
    start = range.end + 1;
    answer = memberValues(await readEntry(connection, dn, [rangeRequest('member', start, RANGE_SIZE)], timeoutSeconds));
    requests += 1;
    if (answer === undefined) throw partial(dn, start, 'the server returned no values for the next range');
  }
  log.debug(`${dn}: ${members.length} members in ${requests} request${requests === 1 ? '' : 's'}`);
  return members;
}

/** The member values of an answer and their range; undefined when the answer has none. */
function memberValues(entry: Entry): { values: string[]; range: ValueRange | undefined } | undefined {
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const range = parseRangedAttribute(name);
    if ((range?.attribute ?? name).toLowerCase() !== 'member') continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    // ldapts lists every requested attribute the server did not return as an empty list; a real
    // last range may be empty too (values removed since the previous request), and ends in '*'.
    if (values.length > 0 || range?.end === '*') return { values, range };
  }
  return undefined;
}

async function readEntry(connection: DirectoryConnection, dn: string, attributes: string[], timeoutSeconds: number): Promise<Entry> {
  try {
    const result = await unlessLost(
      connection.client.search(dn, {
        scope: 'base',
        filter: GROUP_CLASSES,
        attributes,
        explicitBufferAttributes: GUID_NAMES,
        sizeLimit: 0,
        timeLimit: timeoutSeconds,
      }),
      connection.lost,
    );
    const entry = result.searchEntries[0];
    if (entry === undefined) {
      throw new DirectoryError(`"${dn}" (export.groups) is not a group`, { hint: 'List the DNs of groups in export.groups.dns.' });
    }
    return entry;
  } catch (error) {
    if (error instanceof DirectoryError) throw error;
    if (error instanceof NoSuchObjectError) {
      throw new DirectoryError(`group "${dn}" (export.groups) does not exist on ${connection.url}`, {
        hint: 'Check the DN in export.groups (the full DN, e.g. "CN=All Employees,OU=Groups,DC=corp,DC=example,DC=com") and that the group was not moved or renamed; a filter ({"filter": "(cn=All Employees)"}) finds it wherever it is.',
        cause: error,
      });
    }
    throw searchFailure(connection.url, dn, error, timeoutSeconds);
  }
}

function textValues(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function partial(dn: string, start: number, why: string): DirectoryError {
  return new DirectoryError(`the members of "${dn}" could not be read past value ${start}: ${why}; the member list would be partial, so nothing is written`, {
    hint: "Run again; if it keeps happening, check the directory server's MaxValRange policy and the bind account's rights.",
  });
}
