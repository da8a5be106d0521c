// What a push would do to Officevibe, against the last successful push. Pure.
// Officevibe identifies people by email: a user whose email is missing from a sync is
// deactivated, whatever the id says, and a user whose id changed but whose email stayed is the
// same person. So people are matched by email (trimmed, case-insensitive), and groups, which keep
// their id when renamed, by id.
import { isObject } from '../config/reader.js';

export interface PushedUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
}

export interface PushedGroup {
  id: string;
  name: string;
}

/** What one push held, as far as the safety checks need it. */
export interface PushedState {
  users: PushedUser[];
  groups: PushedGroup[];
  /** Mapping lines that make a user a member or manager of a group (not nesting lines). */
  memberships: number;
}

export interface UserChange {
  before: PushedUser;
  after: PushedUser;
  /** The fields that differ, e.g. ['id'] or ['email'] (the same address in another case). */
  fields: (keyof PushedUser)[];
}

export interface UserChanges {
  added: PushedUser[];
  /** People of the last push whose email is missing now: Officevibe deactivates them. */
  deactivated: PushedUser[];
  changed: UserChange[];
  /** People in both pushes (changed or not). */
  kept: number;
}

export interface GroupChanges {
  added: PushedGroup[];
  removed: PushedGroup[];
  renamed: { before: PushedGroup; after: PushedGroup }[];
}

const USER_FIELDS = ['id', 'email', 'firstName', 'lastName', 'jobTitle'] as const;

/** How Officevibe tells people apart. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The state of a request (the current one, or the last push read back), or undefined if it is not one. */
export function pushedState(request: unknown): PushedState | undefined {
  if (!isObject(request) || !Array.isArray(request.users)) return undefined;
  const users: PushedUser[] = [];
  for (const user of request.users) {
    if (!isObject(user) || typeof user.id !== 'string' || typeof user.email !== 'string') return undefined;
    const text = (key: string) => (typeof user[key] === 'string' ? user[key] : '');
    users.push({ id: user.id, email: user.email, firstName: text('firstName'), lastName: text('lastName'), jobTitle: text('jobTitle') });
  }
  // A state file written before groups were guarded has them anyway: it is the whole request.
  const groups: PushedGroup[] = [];
  for (const group of Array.isArray(request.groups) ? request.groups : []) {
    if (!isObject(group) || typeof group.id !== 'string') return undefined;
    groups.push({ id: group.id, name: typeof group.name === 'string' ? group.name : '' });
  }
  const mappings = Array.isArray(request.mappings) ? request.mappings : [];
  const memberships = mappings.filter((m) => isObject(m) && typeof m.userId === 'string' && m.userId !== '').length;
  return { users, groups, memberships };
}

export function compareUsers(previous: readonly PushedUser[], current: readonly PushedUser[]): UserChanges {
  const before = new Map(previous.map((user) => [emailKey(user.email), user]));
  const changes: UserChanges = { added: [], deactivated: [], changed: [], kept: 0 };
  const present = new Set<string>();
  for (const user of current) {
    const key = emailKey(user.email);
    present.add(key);
    const old = before.get(key);
    if (old === undefined) {
      changes.added.push(user);
      continue;
    }
    changes.kept += 1;
    const fields = USER_FIELDS.filter((field) => old[field] !== user[field]);
    if (fields.length > 0) changes.changed.push({ before: old, after: user, fields });
  }
  changes.deactivated = previous.filter((user) => !present.has(emailKey(user.email)));
  return changes;
}

export function compareGroups(previous: readonly PushedGroup[], current: readonly PushedGroup[]): GroupChanges {
  const before = new Map(previous.map((group) => [group.id, group]));
  const now = new Set(current.map((group) => group.id));
  const renamed: GroupChanges['renamed'] = [];
  for (const group of current) {
    const old = before.get(group.id);
    if (old !== undefined && old.name !== group.name) renamed.push({ before: old, after: group });
  }
  return {
    added: current.filter((group) => !before.has(group.id)),
    removed: previous.filter((group) => !now.has(group.id)),
    renamed,
  };
}
