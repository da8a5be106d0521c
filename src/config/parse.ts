// Turns the JSON of config.json into a RosterConfig, or a ConfigError listing every problem.
// Pure: the caller reads the file; this only checks and resolves.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../platform/errors.js';
import { parseNotify } from './notify.js';
import { ObjectReader, Problems, type Json } from './reader.js';
import { httpsUrlProblem } from './urls.js';
import {
  ACCOUNT_STATE_SETTINGS,
  DEFAULT_AD_FILTER,
  type AccountStateSetting,
  type DirectoryConfig,
  type IlobbyTarget,
  type RosterConfig,
  type SafetyConfig,
  type SecretSource,
} from './types.js';

const DEFAULT_PUSH_TIMEOUT_SECONDS = 600;

const SECRET_IN_CONFIG = 'secrets are never read from config.json: name an environment variable with';

/** The safety limits when config.json sets none (the Officevibe config shares them). */
export const DEFAULT_SAFETY: Readonly<SafetyConfig> = { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 };

export function parseConfig(json: Json, configFile: string, configDir: string): RosterConfig {
  const problems = new Problems();
  const top = ObjectReader.of('', json, problems);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(configDir, p));

  const directory = top.has('directory') ? parseDirectory(ObjectReader.of('directory', top.raw('directory'), problems), path) : undefined;
  const fields = top.string('fields');

  const csvReader = ObjectReader.of('csv', top.raw('csv') ?? {}, problems);
  const csv = { path: path(csvReader.string('path') ?? 'adextract.csv'), bom: csvReader.boolean('bom', false) };
  csvReader.rejectUnknown();

  const safetyReader = ObjectReader.of('safety', top.raw('safety') ?? {}, problems);
  const safety: SafetyConfig = {
    minRows: safetyReader.integer('minRows', DEFAULT_SAFETY.minRows, 1, Number.MAX_SAFE_INTEGER),
    maxDisableCount: safetyReader.integer('maxDisableCount', DEFAULT_SAFETY.maxDisableCount, 0, Number.MAX_SAFE_INTEGER),
    maxDisablePercent: safetyReader.number('maxDisablePercent', DEFAULT_SAFETY.maxDisablePercent, 0, 100),
    maxChangePercent: safetyReader.number('maxChangePercent', DEFAULT_SAFETY.maxChangePercent, 0, 100),
  };
  safetyReader.rejectUnknown();

  const ilobby = parseIlobby(top.raw('ilobby'), problems, path);
  const stateDir = path(top.string('stateDir') ?? 'state');
  const notify = parseNotify(top.raw('notify'), problems, path);
  top.raw('$schema'); // editors' schema reference: allowed, ignored
  top.rejectUnknown();

  if (problems.list.length > 0) {
    throw new ConfigError(configFile, problems.list, {
      hint: 'Fix these keys in the config file (every key is described in docs/configuration.md) and run again.',
    });
  }
  return { file: configFile, directory, fieldsFile: fields === undefined ? undefined : path(fields), csv, ilobby, safety, stateDir, notify };
}

function parseDirectory(r: ObjectReader, path: (p: string) => string): DirectoryConfig {
  const urls = r.stringList('url', { allowSingle: true }) ?? [];
  if (urls.length === 0 && !r.problems.list.some((p) => p.startsWith(r.keyPath('url')))) {
    r.problems.add(r.keyPath('url'), 'is required (e.g. "ldaps://dc1.corp.example.com")');
  }
  const startTls = r.boolean('startTls', false);
  const allowInsecure = r.boolean('allowInsecure', false);
  // A Kerberos bind says itself why plain ldap:// will not do (parseAuth): not a word about a password.
  const kerberos = r.raw('auth') === 'kerberos';
  urls.forEach((url, index) => {
    const where = urls.length > 1 ? `${r.keyPath('url')}[${index}]` : r.keyPath('url');
    const problem = kerberos && url.startsWith('ldap:') && !startTls ? undefined : urlProblem(url, startTls, allowInsecure);
    if (problem) r.problems.add(where, problem);
  });
  const caFile = r.string('caFile');
  const bindDn = r.string('bindDn');
  const bindPassword = secretSource(r, 'bindPassword', path);
  const auth = parseAuth(r, urls, startTls, path);
  if (auth.auth === 'simple') {
    if (bindDn !== undefined && bindPassword === undefined && !r.problems.list.some((p) => p.includes('bindPassword'))) {
      r.problems.add(r.keyPath('bindPasswordEnv'), 'bindDn is set, so bindPasswordEnv or bindPasswordFile is required');
    }
    if (bindDn === undefined && bindPassword !== undefined) r.problems.add(r.keyPath('bindDn'), 'is required when a bind password is configured');
  } else {
    for (const key of ['bindDn', 'bindPasswordEnv', 'bindPasswordFile']) {
      if (r.has(key)) r.problems.add(r.keyPath(key), 'is not used with "auth": "kerberos" (the process\'s own Kerberos identity binds): remove it');
    }
  }
  const accountState = r.string('accountState') ?? 'auto';
  if (!(ACCOUNT_STATE_SETTINGS as readonly string[]).includes(accountState)) {
    r.problems.add(r.keyPath('accountState'), `must be one of ${ACCOUNT_STATE_SETTINGS.join(', ')}; found "${accountState}"`);
  }
  const searchBases = r.stringList('searchBases', { allowSingle: true }) ?? [];
  if (!r.has('searchBases')) r.problems.add(r.keyPath('searchBases'), 'is required: the OUs to read people from');
  const directory: DirectoryConfig = {
    urls,
    startTls,
    caFile: caFile === undefined ? undefined : path(caFile),
    allowInsecure,
    ...auth,
    bindDn: auth.auth === 'simple' ? bindDn : undefined,
    bindPassword: auth.auth === 'simple' ? bindPassword : undefined,
    searchBases,
    filter: r.string('filter') ?? DEFAULT_AD_FILTER,
    accountState: accountState as AccountStateSetting,
    memberOf: r.stringList('memberOf', { allowSingle: true }) ?? [],
    excludeExpired: r.boolean('excludeExpired', false),
    // 1000 is Active Directory's MaxPageSize: a larger page is silently cut to 1000.
    pageSize: r.integer('pageSize', 1000, 1, 1000),
    timeoutSeconds: r.integer('timeoutSeconds', 120, 1, 86_400),
    idleTimeoutSeconds: r.integer('idleTimeoutSeconds', 60, 1, 86_400),
  };
  r.rejectUnknown({ bindPassword: `${SECRET_IN_CONFIG} bindPasswordEnv or a file with bindPasswordFile` });
  return directory;
}

/**
 * directory.auth and directory.kerberos. A Kerberos bind goes over TLS only (LDAPS or StartTLS):
 * roster never asks for a SASL security layer, which Active Directory refuses over TLS anyway, so
 * without TLS the directory's answers would cross the network unprotected.
 */
function parseAuth(r: ObjectReader, urls: string[], startTls: boolean, path: (p: string) => string): Pick<DirectoryConfig, 'auth' | 'kerberos'> {
  const auth = r.string('auth') ?? 'simple';
  if (auth !== 'simple' && auth !== 'kerberos') {
    r.problems.add(r.keyPath('auth'), `must be "simple" (bindDn and a password) or "kerberos" (the process's own identity), found "${auth}"`);
  }
  // Read (and checked) whatever auth says: a config may keep its Kerberos settings while it still binds with a password.
  const k = ObjectReader.of(r.keyPath('kerberos'), r.raw('kerberos') ?? {}, r.problems);
  const mechanism = k.string('mechanism') ?? 'GSS-SPNEGO';
  if (mechanism !== 'GSS-SPNEGO' && mechanism !== 'GSSAPI') {
    k.problems.add(k.keyPath('mechanism'), `must be "GSS-SPNEGO" or "GSSAPI", found "${mechanism}"`);
  }
  const spn = k.string('spn');
  if (spn !== undefined && !SPN.test(spn)) {
    k.problems.add(k.keyPath('spn'), `"${spn}" is not a service principal name: write it as ldap/<the DC's DNS name>, e.g. "ldap/dc1.corp.example.com"`);
  }
  const keytabFile = k.string('keytabFile');
  k.rejectUnknown();
  if (auth !== 'kerberos') return { auth: 'simple', kerberos: undefined };
  urls.forEach((url, index) => {
    const where = urls.length > 1 ? `${r.keyPath('url')}[${index}]` : r.keyPath('url');
    if (url.startsWith('ldap:') && !startTls) r.problems.add(where, `"${url}": a Kerberos bind goes over TLS only: use ldaps://, or set "startTls": true`);
  });
  return {
    auth,
    kerberos: { mechanism: mechanism === 'GSSAPI' ? 'GSSAPI' : 'GSS-SPNEGO', spn, keytabFile: keytabFile === undefined ? undefined : path(keytabFile) },
  };
}

/** service/host, optionally with a third part and @REALM: ldap/dc1.corp.example.com, ldap/dc1.corp.example.com@CORP.EXAMPLE.COM. */
const SPN = /^[^/\s@]+\/[^/\s@]+(\/[^/\s@]+)?(@[^\s@]+)?$/;

/** Why a directory URL is not acceptable, or undefined when it is. */
export function urlProblem(url: string, startTls: boolean, allowInsecure: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL (expected e.g. "ldaps://dc1.corp.example.com")`;
  }
  if (parsed.protocol === 'ldaps:') {
    if (parsed.hostname === '') return `"${url}" names no server (expected e.g. "ldaps://dc1.corp.example.com")`;
    return startTls ? 'startTls is for ldap:// URLs; ldaps:// is already encrypted' : undefined;
  }
  if (parsed.protocol !== 'ldap:') return `"${url}" must start with ldaps:// or ldap://`;
  if (parsed.hostname === '') return `"${url}" names no server (expected e.g. "ldaps://dc1.corp.example.com")`;
  if (startTls || allowInsecure || isLoopback(parsed.hostname)) return undefined;
  return `"${url}" would send the bind password unencrypted: use ldaps://, or set "startTls": true (or "allowInsecure": true if you really mean it)`;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]' || hostname === '::1';
}

export function secretSource(r: ObjectReader, base: string, path: (p: string) => string): SecretSource | undefined {
  const name = r.string(`${base}Env`);
  const file = r.string(`${base}File`);
  if (name !== undefined && file !== undefined) {
    r.problems.add(r.keyPath(`${base}Env`), `use either ${base}Env or ${base}File, not both`);
  }
  if (name !== undefined) return { kind: 'env', name, configKey: r.keyPath(`${base}Env`) };
  if (file !== undefined) return { kind: 'file', path: path(file), configKey: r.keyPath(`${base}File`) };
  return undefined;
}

/** Folders of the state folder that are not targets': the run reports, the Officevibe push. */
const RESERVED_FOLDERS = ['reports', 'officevibe'];

/**
 * A target's name as a file name: its state folder, and its CSV file beside csv.path when there
 * are several targets. Characters that are not safe in a file name on every system become "_".
 */
export function targetFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function parseIlobby(value: Json | undefined, problems: Problems, path: (p: string) => string): IlobbyTarget[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const targets = list.map((item, index) => {
    const r = ObjectReader.of(Array.isArray(value) ? `ilobby[${index}]` : 'ilobby', item, problems);
    const tokenUrl = r.string('tokenUrl');
    const issuer = r.string('issuer');
    if ((tokenUrl === undefined) === (issuer === undefined)) r.problems.add(r.keyPath('tokenUrl'), 'set exactly one of tokenUrl or issuer');
    const uploadUrl = r.requiredString('uploadUrl');
    // Checked now, not when first used: an unusable URL must fail `check` and --dry-run too.
    for (const [key, url, example] of [
      ['tokenUrl', tokenUrl, 'https://partnerapi.goilobby.com/auth/connect/token'],
      ['issuer', issuer, 'https://partnerapi.goilobby.com/auth'],
      ['uploadUrl', uploadUrl || undefined, 'https://partnerapi.goilobby.com/addressbook/uploadcsv'],
    ] as const) {
      const problem = url === undefined ? undefined : httpsUrlProblem(url, example);
      if (problem !== undefined) r.problems.add(r.keyPath(key), problem);
    }
    const authMethod = r.string('authMethod') ?? 'client_secret_post';
    if (authMethod !== 'client_secret_post' && authMethod !== 'client_secret_basic') {
      r.problems.add(r.keyPath('authMethod'), `must be "client_secret_post" or "client_secret_basic", found "${authMethod}"`);
    }
    const clientSecret = secretSource(r, 'clientSecret', path);
    if (clientSecret === undefined) r.problems.add(r.keyPath('clientSecretEnv'), 'is required (or clientSecretFile)');
    const caFile = r.string('caFile');
    const target: IlobbyTarget = {
      name: r.string('name') ?? (list.length === 1 ? 'ilobby' : `ilobby-${index + 1}`),
      tokenUrl,
      issuer,
      uploadUrl,
      clientId: r.requiredString('clientId'),
      clientSecret: clientSecret ?? { kind: 'env', name: '', configKey: r.keyPath('clientSecretEnv') },
      authMethod: authMethod === 'client_secret_basic' ? 'client_secret_basic' : 'client_secret_post',
      scope: r.string('scope'),
      caFile: caFile === undefined ? undefined : path(caFile),
      caFileKey: r.keyPath('caFile'),
      sites: r.stringList('sites', { allowSingle: true }),
      // Room for one slow upload (an attempt may take 300 s) after the token, and retries.
      timeoutSeconds: r.integer('timeoutSeconds', DEFAULT_PUSH_TIMEOUT_SECONDS, 1, 86_400),
    };
    r.rejectUnknown({ clientSecret: `${SECRET_IN_CONFIG} clientSecretEnv or a file with clientSecretFile` });
    return target;
  });
  // Two names that give one folder on disk would share a state folder (and CSV file): the second
  // target would be compared with the first one's push. Windows and macOS ignore the case.
  const folders = new Map<string, { name: string; index: number }>();
  targets.forEach(({ name }, index) => {
    const folder = targetFileName(name).toLowerCase();
    const other = folders.get(folder) ?? (RESERVED_FOLDERS.includes(folder) ? { name: folder, index: -1 } : undefined);
    if (other === undefined) folders.set(folder, { name, index });
    else if (other.index < 0) problems.add(`ilobby[${index}].name`, `"${name}" is the state folder's own ${folder} folder; choose another name`);
    else {
      const same = other.name === name ? 'is also the name of' : `would share the state folder "${targetFileName(name)}" with`;
      problems.add(`ilobby[${index}].name`, `"${name}" ${same} ilobby[${other.index}] ("${other.name}"); give each target a name of its own`);
    }
  });
  return targets;
}
