// What a push would do to Officevibe's people, against the last successful push: who is new and
// who would be deactivated (Officevibe deactivates every user missing from a sync). Users are
// matched by id, as the service matches them. Pure.
import type { RosterChanges } from '../checks/diff.js';
import type { Row } from '../mapping/mapRecord.js';
import { RowList } from '../rows/rowStore.js';
import { isObject } from '../config/reader.js';
import type { SyncRequest } from './request.js';

export interface PushedUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
}

export interface UserChanges {
  added: PushedUser[];
  deactivated: PushedUser[];
  kept: number;
}

/** The users of a request (the current one, or the last push read back from the state), or undefined if it is not one. */
export function pushedUsers(request: SyncRequest | unknown): PushedUser[] | undefined {
  if (!isObject(request) || !Array.isArray(request.users)) return undefined;
  const users: PushedUser[] = [];
  for (const user of request.users) {
    if (!isObject(user) || typeof user.id !== 'string' || typeof user.email !== 'string') return undefined;
    const text = (key: string) => (typeof user[key] === 'string' ? (user[key] as string) : '');
    users.push({ id: user.id, email: user.email, firstName: text('firstName'), lastName: text('lastName'), jobTitle: text('jobTitle') });
  }
  return users;
}

export function compareUsers(previous: readonly PushedUser[], current: readonly PushedUser[]): UserChanges {
  const currentIds = new Set(current.map((user) => user.id));
  const previousIds = new Set(previous.map((user) => user.id));
  return {
    added: current.filter((user) => !previousIds.has(user.id)),
    deactivated: previous.filter((user) => !currentIds.has(user.id)),
    kept: current.filter((user) => previousIds.has(user.id)).length,
  };
}

/** The same changes in the shape roster's safety checks (checks/guards.ts) evaluate. */
export function asRosterChanges(changes: UserChanges): RosterChanges {
  return { added: RowList.of(changes.added.map(toRow)), changed: [], disabled: changes.deactivated.map(toRow), unchanged: changes.kept };
}

function toRow(user: PushedUser): Row {
  return { FIRSTNAME: user.firstName, LASTNAME: user.lastName, TITLE: user.jobTitle, DIVISION: '', EMAIL: user.email, MOBILE: '', DESKPHONE: '', SITE: '' };
}
