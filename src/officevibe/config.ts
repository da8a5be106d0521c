// The Officevibe Enterprise Sync Tool's config.json, as roster reads it. Pure: load.ts reads the file.
//
// The original tool's keys are accepted as they are (ApiKey, SyncManagerEmail, InviteNewUsers,
// ApiUrl, UsersFile, GroupsFile, GroupsMappingFile) and, like the original (PowerShell reads
// JSON properties case-insensitively), in any letter case. roster adds ApiKeyEnv/ApiKeyFile (so the
// key need not sit in the file), and the sections of its own config.json, with their own names and
// checks: `directory`, `safety`, `stateDir`, `notify`, plus `caFile` and `export` (what `officevibe export` reads).
// Other top-level keys are left alone and listed in `ignoredKeys`.
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_SAFETY, parseConfig } from '../config/parse.js';
import { ObjectReader, Problems, describe, isObject, type Json } from '../config/reader.js';
import type { DirectoryConfig, NotifyChannel, SafetyConfig, SecretSource } from '../config/types.js';
import { isBinaryAttribute } from '../directory/binary.js';
import { ConfigError } from '../platform/errors.js';
import { isValidEmail, normalizeEmail } from '../mapping/email.js';
import { parsePick, type ValuePick } from '../mapping/pick.js';

/** The key straight from config.json's text (the original tool's way), or roster's env/file sources. */
export type ApiKeySource = { kind: 'config'; value: string; configKey: 'ApiKey' } | SecretSource;

export const USER_COLUMNS = ['id', 'email', 'firstName', 'lastName', 'jobTitle', 'imageUrl', 'language'] as const;
export type UserColumn = (typeof USER_COLUMNS)[number];

export type GroupSelection =
  | { kind: 'dns'; dns: string[] }
  /** `filter` is combined with (objectCategory=group); searchBases default to directory.searchBases. */
  | { kind: 'filter'; filter: string; searchBases: string[] | undefined };

export interface OfficevibeExportConfig {
  /** For each users.csv column, the attributes tried in order (the first non-empty wins); [] leaves it empty. */
  users: Record<UserColumn, string[]>;
  /** Which value of a multi-valued attribute a column takes, where export.users says (`pick`). */
  picks: Partial<Record<UserColumn, ValuePick>>;
  groups: GroupSelection | undefined;
}

export interface OfficevibeConfig {
  /** Absolute path of config.json, for messages. */
  file: string;
  apiKey: ApiKeySource | undefined;
  syncManagerEmail: string | undefined;
  inviteNewUsers: boolean;
  /** `{ApiUrl}/api/v2/sync`, or undefined when ApiUrl is not set. */
  syncUrl: string | undefined;
  files: { users: string; groups: string; mappings: string };
  /** An extra CA for the service's HTTPS (a TLS-inspecting proxy), added to the system's. */
  caFile: string | undefined;
  stateDir: string;
  safety: SafetyConfig;
  /** roster's own `notify` section: who hears how an `officevibe push` went. */
  notify: NotifyChannel[];
  directory: DirectoryConfig | undefined;
  export: OfficevibeExportConfig;
  /** Top-level keys roster does not use (the original tool had more): a warning each, not an error. */
  ignoredKeys: string[];
}

/** Canonical spelling of every top-level key, found case-insensitively. */
const KEYS = [
  'ApiKey',
  'ApiKeyEnv',
  'ApiKeyFile',
  'SyncManagerEmail',
  'InviteNewUsers',
  'ApiUrl',
  'UsersFile',
  'GroupsFile',
  'GroupsMappingFile',
  'directory',
  'export',
  'safety',
  'stateDir',
  'notify',
  'caFile',
  '$schema',
] as const;

export const DEFAULT_FILES = { users: 'Data/users.csv', groups: 'Data/groups.csv', mappings: 'Data/groups-mapping.csv' } as const;

/** users.csv columns as `officevibe export` fills them unless export.users says otherwise. */
export const DEFAULT_USER_ATTRIBUTES: Record<UserColumn, string[]> = {
  // sAMAccountName: unique in the domain (AD enforces it), on every account, unchanged when mail
  // changes or the account moves OU. objectGUID would survive renames too, but it is binary and the
  // directory reader reads text attributes only.
  id: ['sAMAccountName'],
  email: ['mail', 'userPrincipalName'],
  firstName: ['givenName'],
  lastName: ['sn'],
  jobTitle: ['title'],
  imageUrl: [],
  language: [],
};

export function parseOfficevibeConfig(json: Json, configFile: string, configDir: string): OfficevibeConfig {
  const problems = new Problems();
  const top = ObjectReader.of('', normalizeKeys(json, problems), problems);
  const path = (p: string) => resolvePath(p, configDir);

  const apiKey = parseApiKey(top, path);
  const syncManagerEmail = top.string('SyncManagerEmail')?.trim();
  if (syncManagerEmail !== undefined && !isValidEmail(normalizeEmail(syncManagerEmail))) {
    problems.add('SyncManagerEmail', `"${syncManagerEmail}" is not an email address`);
  }
  const inviteNewUsers = parseLenientBoolean(top, 'InviteNewUsers', false);
  const syncUrl = parseApiUrl(top.string('ApiUrl'), problems);
  const files = {
    users: path(top.string('UsersFile') ?? DEFAULT_FILES.users),
    groups: path(top.string('GroupsFile') ?? DEFAULT_FILES.groups),
    mappings: path(top.string('GroupsMappingFile') ?? DEFAULT_FILES.mappings),
  };
  const caFile = top.string('caFile');

  // directory, safety and stateDir are roster's own sections: roster's own parser checks them.
  const shared: Record<string, Json> = {};
  for (const key of ['directory', 'safety', 'stateDir', 'notify'] as const) {
    const value = top.raw(key);
    if (value !== undefined) shared[key] = value;
  }
  let sharedConfig: ReturnType<typeof parseConfig> | undefined;
  try {
    sharedConfig = parseConfig(shared, configFile, configDir);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.list.push(...error.problems);
  }
  const exportConfig = parseExport(top.raw('export'), problems);
  top.raw('$schema');
  // The original tool's config.json had keys roster does not use: a migrated file must work as it
  // is, so they are reported, not refused. roster's own sections stay strict.
  const ignoredKeys = top.unreadKeys();

  if (problems.list.length > 0) {
    throw new ConfigError(configFile, problems.list, {
      hint: 'Fix these keys in the Officevibe config file (every key is described in docs/officevibe.md) and run again.',
    });
  }
  return {
    file: configFile,
    apiKey,
    syncManagerEmail,
    inviteNewUsers,
    syncUrl,
    files,
    caFile: caFile === undefined ? undefined : path(caFile),
    stateDir: sharedConfig?.stateDir ?? path('state'),
    safety: sharedConfig?.safety ?? { ...DEFAULT_SAFETY },
    notify: sharedConfig?.notify ?? [],
    directory: sharedConfig?.directory,
    export: exportConfig,
    ignoredKeys,
  };
}

/**
 * Whether a config.json is the Officevibe tool's rather than roster's own: it has one of the keys
 * only the original tool's config has (any case). `roster status` reads either. Pure.
 */
export function isOfficevibeConfig(json: Json): boolean {
  const own = new Set(['apikey', 'apikeyenv', 'apikeyfile', 'apiurl', 'syncmanageremail', 'usersfile', 'groupsfile', 'groupsmappingfile']);
  return isObject(json) && Object.keys(json).some((key) => own.has(key.toLowerCase()));
}

/** What `officevibe push` needs beyond the files; every missing key is listed at once. */
export function requirePushSettings(config: OfficevibeConfig): { apiKey: ApiKeySource; syncManagerEmail: string; syncUrl: string } {
  const problems: string[] = [];
  if (config.apiKey === undefined) problems.push("ApiKeyEnv: is required (or ApiKeyFile, or the original tool's ApiKey): the Officevibe API key");
  if (config.syncManagerEmail === undefined) problems.push('SyncManagerEmail: is required: the Officevibe administrator the sync acts as');
  if (config.syncUrl === undefined) problems.push('ApiUrl: is required, e.g. "https://app.officevibe.com"');
  if (problems.length > 0 || config.apiKey === undefined || config.syncManagerEmail === undefined || config.syncUrl === undefined) {
    throw new ConfigError(config.file, problems, { hint: 'Add these keys to the Officevibe config file (every key is described in docs/officevibe.md).' });
  }
  return { apiKey: config.apiKey, syncManagerEmail: config.syncManagerEmail, syncUrl: config.syncUrl };
}

/** What `officevibe export` needs: the directory and the groups to export. */
export function requireExportSettings(config: OfficevibeConfig): { directory: DirectoryConfig; groups: GroupSelection } {
  const problems: string[] = [];
  if (config.directory === undefined)
    problems.push("directory: is required to read people from Active Directory or LDAP (the same section as roster's config.json)");
  if (config.export.groups === undefined) problems.push('export.groups: is required: {"dns": ["CN=…"]} or {"filter": "(cn=OV-*)", "searchBases": ["OU=…"]}');
  if (config.directory === undefined || config.export.groups === undefined) {
    throw new ConfigError(config.file, problems, { hint: 'Add these sections to the Officevibe config file (every key is described in docs/officevibe.md).' });
  }
  return { directory: config.directory, groups: config.export.groups };
}

/** Renames every key found case-insensitively to its canonical spelling; unknown keys stay as they are. */
function normalizeKeys(json: Json, problems: Problems): Json {
  if (!isObject(json)) return json;
  const canonical = new Map<string, string>(KEYS.map((key) => [key.toLowerCase(), key]));
  const result: Record<string, Json> = {};
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(json)) {
    const name = canonical.get(key.toLowerCase()) ?? key;
    const earlier = spelledAs.get(name);
    if (earlier !== undefined) {
      problems.add(name, `is given twice ("${earlier}" and "${key}"; keys are case-insensitive, as in the original tool)`);
      continue;
    }
    spelledAs.set(name, key);
    result[name] = value;
  }
  return result;
}

/** Relative to the config's folder; a backslash (a config written on Windows) is a separator everywhere. */
function resolvePath(p: string, configDir: string): string {
  const portable = process.platform === 'win32' ? p : p.replace(/\\/g, '/');
  return isAbsolute(portable) ? portable : resolve(configDir, portable);
}

function parseApiKey(top: ObjectReader, path: (p: string) => string): ApiKeySource | undefined {
  const inText = top.string('ApiKey');
  const env = top.string('ApiKeyEnv');
  const file = top.string('ApiKeyFile');
  const given = [inText, env, file].filter((v) => v !== undefined).length;
  if (given > 1) top.problems.add('ApiKey', 'set only one of ApiKey, ApiKeyEnv or ApiKeyFile');
  if (env !== undefined) return { kind: 'env', name: env, configKey: 'ApiKeyEnv' };
  if (file !== undefined) return { kind: 'file', path: path(file), configKey: 'ApiKeyFile' };
  if (inText !== undefined) return { kind: 'config', value: inText.trim(), configKey: 'ApiKey' };
  return undefined;
}

/** true/false, or the strings "true"/"false" in any case (PowerShell converts those too). */
function parseLenientBoolean(r: ObjectReader, key: string, fallback: boolean): boolean {
  const value = r.raw(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  r.problems.add(key, `must be true or false, found ${describe(value)}`);
  return fallback;
}

function parseApiUrl(apiUrl: string | undefined, problems: Problems): string | undefined {
  if (apiUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(apiUrl.trim());
  } catch {
    problems.add('ApiUrl', `"${apiUrl}" is not a URL (expected e.g. "https://app.officevibe.com")`);
    return undefined;
  }
  if (url.protocol !== 'https:') {
    problems.add('ApiUrl', `"${apiUrl}" must start with https:// (the API key is sent with every request)`);
    return undefined;
  }
  // The original tool appends the path to ApiUrl; a URL that already ends with it is taken as is.
  const base = url.href.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return /\/api\/v2\/sync$/i.test(base) ? base : `${base}/api/v2/sync`;
}

function parseExport(value: Json | undefined, problems: Problems): OfficevibeExportConfig {
  const r = ObjectReader.of('export', value ?? {}, problems);
  const users = { ...DEFAULT_USER_ATTRIBUTES };
  const picks: Partial<Record<UserColumn, ValuePick>> = {};
  const usersReader = ObjectReader.of('export.users', r.raw('users') ?? {}, problems);
  for (const column of USER_COLUMNS) {
    const spec = usersReader.raw(column);
    if (spec === undefined) continue;
    const where = `export.users.${column}`;
    if (spec === null) {
      if (column === 'id' || column === 'email') problems.add(where, 'cannot be null: every user needs one');
      else users[column] = [];
      continue;
    }
    // { "attributes": [...], "pick": ... }: the same choice of value as in fields.config.json.
    const rule = isObject(spec) ? ObjectReader.of(where, spec, problems) : undefined;
    const listed = rule === undefined ? spec : (rule.raw('attributes') ?? rule.raw('attribute'));
    const pick = rule?.raw('pick');
    rule?.rejectUnknown();
    if (pick !== undefined && pick !== null) {
      const parsed = parsePick(pick, `${where}.pick`, problems);
      if (parsed !== undefined) picks[column] = parsed;
    }
    const attributes = typeof listed === 'string' ? [listed] : Array.isArray(listed) ? listed : undefined;
    if (attributes === undefined || attributes.length === 0 || !attributes.every((a) => typeof a === 'string' && a.trim() !== '')) {
      problems.add(where, `must be an attribute name, a list of attribute names, { "attributes": [...], "pick": … } or null, found ${describe(spec)}`);
      continue;
    }
    const names = (attributes as string[]).map((a) => a.trim());
    // The directory reader gives binary attributes no text (or a GUID's or SID's): an id or email
    // made of one would change nothing but harm.
    const binary = names.find(isBinaryAttribute);
    if (binary !== undefined) problems.add(where, `${binary} is a binary attribute; use a text one (e.g. sAMAccountName, employeeID, mail)`);
    users[column] = names;
  }
  usersReader.rejectUnknown();
  const groups = r.has('groups') ? parseGroupSelection(ObjectReader.of('export.groups', r.raw('groups'), problems)) : undefined;
  r.rejectUnknown();
  return { users, picks, groups };
}

function parseGroupSelection(r: ObjectReader): GroupSelection | undefined {
  const dns = r.stringList('dns', { allowSingle: true });
  const filter = r.string('filter');
  const searchBases = r.stringList('searchBases', { allowSingle: true });
  r.rejectUnknown();
  if ((dns === undefined) === (filter === undefined)) {
    r.problems.add(r.path, 'set exactly one of "dns" (a list of group DNs) or "filter" (an LDAP filter for groups)');
    return undefined;
  }
  if (dns !== undefined) {
    if (searchBases !== undefined) r.problems.add(r.keyPath('searchBases'), 'goes with "filter", not with "dns"');
    return { kind: 'dns', dns: dns.map((dn) => dn.trim()) };
  }
  return { kind: 'filter', filter: filter ?? '', searchBases };
}
