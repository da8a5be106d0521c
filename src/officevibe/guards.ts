// The Officevibe safety checks, against the last successful push. Pure.
// A sync is Officevibe's whole state: people missing from it are deactivated and groups missing
// from it are removed. So people (by email), groups (by id) and memberships are all guarded with
// the same thresholds as iLobby's rows; --force overrides a threshold, never an empty users file.
import { columnChanges, evaluateGuards, NAMES_SHOWN, removalThresholds, verdict, type GuardVerdict } from '../safety/guards.js';
import type { SafetyConfig } from '../config/types.js';
import { compareGroups, compareUsers, type GroupChanges, type PushedState, type UserChanges } from './changes.js';

export interface OfficevibeChanges {
  users: UserChanges;
  groups: GroupChanges;
}

export function officevibeChanges(previous: PushedState | undefined, current: PushedState): OfficevibeChanges {
  return {
    users: compareUsers(previous?.users ?? [], current.users),
    groups: compareGroups(previous?.groups ?? [], current.groups),
  };
}

/** The people's columns a change guard watches; id and email identify them (a new id is bookkeeping). */
const GUARDED_FIELDS = ['firstName', 'lastName', 'jobTitle'] as const;

export function evaluateOfficevibeGuards(
  previous: PushedState | undefined,
  current: PushedState,
  changes: OfficevibeChanges,
  safety: SafetyConfig,
  flags: { force: boolean; firstPush: boolean },
): GuardVerdict {
  const { deactivated, changed, kept } = changes.users;
  const people = evaluateGuards({
    rowCount: current.users.length,
    previousCount: previous?.users.length,
    safety,
    ...flags,
    disabled: { count: deactivated.length, examples: deactivated.slice(0, NAMES_SHOWN).map((user) => user.email) },
    changed:
      previous === undefined
        ? undefined
        : columnChanges(
            changed.map((c) => ({ ...c, columns: c.fields })),
            kept,
            GUARDED_FIELDS,
            (user) => user.email,
          ),
  });
  if (people.fatal !== undefined) return people;
  const { removed } = changes.groups;
  const thresholds = [
    ...people.thresholds,
    ...removalThresholds(
      { noun: 'groups', fate: 'removed' },
      { count: removed.length, examples: removed.slice(0, NAMES_SHOWN).map(describeGroup) },
      previous?.groups.length,
      safety,
    ),
  ];
  if (previous !== undefined && previous.memberships > 0 && current.memberships === 0) {
    thresholds.push(`every group membership would be removed: the last push had ${previous.memberships} member or manager lines, this one has none`);
  }
  return verdict(thresholds, flags.force, people.firstPushRefused);
}

function describeGroup(group: { id: string; name: string }): string {
  return group.name === '' ? group.id : `${group.name} (${group.id})`;
}

const SHOWN = 5;

/** The preview of a push: counts with the first few people (by email) and groups of each, one indented line each. */
export function officevibeChangeLines(changes: OfficevibeChanges): string[] {
  const first = (names: string[]) => (names.length ? ` (${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ', …' : ''})` : '');
  const { users, groups } = changes;
  const idChanges = users.changed.filter((change) => change.fields.includes('id'));
  return [
    `  new people ${users.added.length}${first(users.added.map((user) => user.email))}`,
    `  changed ${users.changed.length}${first(users.changed.map((change) => change.after.email))}${
      idChanges.length
        ? `; ${idChanges.length} with a new id, e.g. ${idChanges
            .slice(0, 3)
            .map((c) => `${c.after.email}: ${c.before.id} → ${c.after.id}`)
            .join(', ')}`
        : ''
    }`,
    `  to be deactivated ${users.deactivated.length}${first(users.deactivated.map((user) => user.email))}`,
    `  groups: ${groups.added.length} new, ${groups.renamed.length} renamed, ${groups.removed.length} removed${first(groups.removed.map(describeGroup))}`,
  ];
}
