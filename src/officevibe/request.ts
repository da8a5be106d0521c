// The JSON request POSTed to {ApiUrl}/api/v2/sync, built from the validated files. Pure.
// The same text is sent and written to dump.json, so the dump is exactly what the service got.
import { USER_COLUMNS } from './config.js';
import type { OfficevibeData } from './validate.js';

export interface SyncSettings {
  syncManagerEmail: string;
  /** false: new people are created but not invited (the safe default for a first run). */
  inviteNewUsers: boolean;
}

/** A users.csv line: its columns by header name; an empty cell is null, TRUE/FALSE in extra columns are booleans. */
export type SyncUser = Record<string, string | boolean | null>;

export interface SyncGroup {
  id: string;
  name: string;
}

export interface SyncMapping {
  groupId: string;
  userId: string | null;
  subGroupId: string | null;
  isMember: boolean | null;
  isManager: boolean | null;
}

export interface SyncRequest {
  settings: SyncSettings;
  users: SyncUser[];
  groups: SyncGroup[];
  mappings: SyncMapping[];
}

const STANDARD_COLUMNS: ReadonlySet<string> = new Set(USER_COLUMNS);

export function buildSyncRequest(settings: SyncSettings, data: OfficevibeData): SyncRequest {
  return {
    settings: { syncManagerEmail: settings.syncManagerEmail.trim().toLowerCase(), inviteNewUsers: settings.inviteNewUsers },
    users: data.users.map((user) => Object.fromEntries(user.cells.map(([column, value]) => [column, userValue(column, value)]))),
    groups: data.groups.map((group) => ({ id: group.id, name: group.name })),
    mappings: data.mappings.map((m) => ({
      groupId: m.groupId,
      userId: m.userId ?? null,
      subGroupId: m.subGroupId ?? null,
      isMember: m.isMember ?? null,
      isManager: m.isManager ?? null,
    })),
  };
}

/** The request body: indented JSON, so dump.json can be read and diffed; the service reads either form. */
export function serializeRequest(request: SyncRequest): string {
  return `${JSON.stringify(request, null, 2)}\n`;
}

function userValue(column: string, value: string): string | boolean | null {
  if (value === '') return null;
  // Officevibe's custom properties take booleans; the standard columns are always text
  // (a job title of "TRUE" stays a job title).
  if (!STANDARD_COLUMNS.has(column) && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}
