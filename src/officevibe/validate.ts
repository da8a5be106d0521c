// Checks the three files together before anything is sent: ids present and unique, emails valid
// and unique, every reference resolvable, booleans well formed, no group nested in itself.
// Every problem names the file, the line and the value. Pure.
import { quoted } from '../platform/log/printable.js';
import { isValidEmail, normalizeEmail } from '../mapping/email.js';
import { findNestingCycles, type Nesting } from './cycles.js';
import { at, type Table } from './files.js';

export interface OfficevibeUser {
  line: number;
  id: string;
  /** Lower-cased: Officevibe's usernames are lower-case emails. */
  email: string;
  /** Every column of the file in header order (email lower-cased), for the request. */
  cells: [column: string, value: string][];
}

export interface OfficevibeGroup {
  line: number;
  id: string;
  name: string;
}

export interface OfficevibeMapping {
  line: number;
  groupId: string;
  /** Set for a membership row... */
  userId: string | undefined;
  /** ...or for a nesting row (subGroupId becomes a team inside groupId); never both. */
  subGroupId: string | undefined;
  isMember: boolean | undefined;
  isManager: boolean | undefined;
}

export interface OfficevibeData {
  users: OfficevibeUser[];
  groups: OfficevibeGroup[];
  mappings: OfficevibeMapping[];
}

export interface OfficevibeTables {
  users: Table;
  groups: Table;
  mappings: Table;
}

const BOOLEAN = /^(true|false)$/i;

export function validateFiles(tables: OfficevibeTables): { data: OfficevibeData; problems: string[] } {
  const problems: string[] = [];
  const users = validateUsers(tables.users, problems);
  const groups = validateGroups(tables.groups, problems);
  // References are checked against every id the files hold, so a user refused for its email
  // does not also make each of its memberships an error.
  const mappings = validateMappings(tables.mappings, idsIn(tables.users), idsIn(tables.groups), problems);
  return { data: { users, groups, mappings }, problems };
}

function idsIn(table: Table): Set<string> {
  return new Set(table.records.map((record) => record.cells.get('id') ?? '').filter((id) => id !== ''));
}

function validateUsers(table: Table, problems: string[]): OfficevibeUser[] {
  const idLines = new Map<string, number>();
  const emailLines = new Map<string, number>();
  const users: OfficevibeUser[] = [];
  for (const { line, cells } of table.records) {
    const id = cells.get('id') ?? '';
    const given = cells.get('email') ?? '';
    const email = normalizeEmail(given);
    let valid = true;
    if (id === '') {
      problems.push(at(table.file, line, 'id is empty'));
      valid = false;
    } else if (idLines.has(id)) {
      problems.push(at(table.file, line, `id "${id}" is already used on line ${idLines.get(id)}`));
      valid = false;
    } else idLines.set(id, line);
    if (email === '') {
      problems.push(at(table.file, line, `email is empty (id "${id}")`));
      valid = false;
    } else if (!isValidEmail(email)) {
      problems.push(at(table.file, line, `email ${quoted(given)} is not a valid address`));
      valid = false;
    } else if (emailLines.has(email)) {
      problems.push(at(table.file, line, `email "${given}" is already used on line ${emailLines.get(email)}`));
      valid = false;
    } else emailLines.set(email, line);
    if (!valid) continue;
    users.push({ line, id, email, cells: table.columns.map((column) => [column, column === 'email' ? email : (cells.get(column) ?? '')]) });
  }
  return users;
}

function validateGroups(table: Table, problems: string[]): OfficevibeGroup[] {
  const idLines = new Map<string, number>();
  const groups: OfficevibeGroup[] = [];
  for (const { line, cells } of table.records) {
    const id = cells.get('id') ?? '';
    const name = cells.get('name') ?? '';
    if (id === '') problems.push(at(table.file, line, `id is empty (name "${name}")`));
    else if (idLines.has(id)) problems.push(at(table.file, line, `id "${id}" is already used on line ${idLines.get(id)}`));
    else if (name === '') problems.push(at(table.file, line, `name is empty (id "${id}")`));
    else {
      idLines.set(id, line);
      groups.push({ line, id, name });
    }
  }
  return groups;
}

function validateMappings(table: Table, userIds: ReadonlySet<string>, groupIds: ReadonlySet<string>, problems: string[]): OfficevibeMapping[] {
  const file = table.file;
  const seen = new Map<string, number>();
  const mappings: OfficevibeMapping[] = [];
  const nestings: Nesting[] = [];
  for (const { line, cells } of table.records) {
    const groupId = cells.get('groupId') ?? '';
    const userId = cells.get('userId') || undefined;
    const subGroupId = cells.get('subGroupId') || undefined;
    const before = problems.length;
    if (groupId === '') problems.push(at(file, line, 'groupId is empty'));
    else if (!groupIds.has(groupId)) problems.push(at(file, line, `groupId "${groupId}" is not an id in the groups file`));
    if (userId !== undefined && subGroupId !== undefined) {
      problems.push(at(file, line, `userId "${userId}" and subGroupId "${subGroupId}" are both set; a line is either a membership or a nesting`));
    } else if (userId !== undefined) {
      if (!userIds.has(userId)) problems.push(at(file, line, `userId "${userId}" is not an id in the users file`));
    } else if (subGroupId !== undefined) {
      if (!groupIds.has(subGroupId)) problems.push(at(file, line, `subGroupId "${subGroupId}" is not an id in the groups file`));
      else if (subGroupId === groupId) problems.push(at(file, line, `group "${groupId}" is nested in itself`));
    } else problems.push(at(file, line, 'set userId (a membership) or subGroupId (a nested group)'));
    const isMember = readBoolean(cells, 'isMember', userId !== undefined, file, line, problems);
    const isManager = readBoolean(cells, 'isManager', userId !== undefined, file, line, problems);
    const key = `${groupId}\u0000${userId ?? ''}\u0000${subGroupId ?? ''}`;
    if (problems.length === before && seen.has(key)) {
      problems.push(
        at(
          file,
          line,
          `the same ${userId !== undefined ? `membership of "${userId}"` : `nesting of "${subGroupId}"`} in group "${groupId}" is already on line ${seen.get(key)}`,
        ),
      );
    }
    if (problems.length > before) continue;
    seen.set(key, line);
    mappings.push({ line, groupId, userId, subGroupId, isMember, isManager });
    if (subGroupId !== undefined) nestings.push({ parent: groupId, child: subGroupId, line });
  }
  for (const cycle of findNestingCycles(nestings)) {
    problems.push(
      `${file} line${cycle.lines.length > 1 ? 's' : ''} ${cycle.lines.join(', ')}: groups nested in a cycle: ${cycle.path.map((id) => `"${id}"`).join(' ⊃ ')}`,
    );
  }
  return mappings;
}

/** TRUE or FALSE (any case, as Excel and PowerShell write them); required on membership lines. */
function readBoolean(
  cells: ReadonlyMap<string, string>,
  column: string,
  required: boolean,
  file: string,
  line: number,
  problems: string[],
): boolean | undefined {
  const value = cells.get(column) ?? '';
  if (value === '' && !required) return undefined;
  if (BOOLEAN.test(value)) return value.toLowerCase() === 'true';
  problems.push(at(file, line, `${column} must be TRUE or FALSE, found "${value}"`));
  return undefined;
}
