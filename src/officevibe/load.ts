// Reading the Officevibe config.json, its API key and its three CSV files from disk. The checks
// themselves are pure (config.ts, files.ts, validate.ts); this module only does the I/O.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkProxyEnvironment, readJsonFile } from '../config/load.js';
import { readSecret } from '../config/secrets.js';
import { errnoText, InvalidInputError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { registerSecret } from '../platform/log/redact.js';
import { parseOfficevibeConfig, type ApiKeySource, type OfficevibeConfig } from './config.js';
import { decodeCsv } from './encoding.js';
import { GROUPS_SPEC, MAPPINGS_SPEC, readTable, USERS_SPEC, type TableSpec } from './files.js';
import type { OfficevibeTables } from './validate.js';

export function loadOfficevibeConfig(configPath: string, log: Logger): OfficevibeConfig {
  const file = resolve(configPath);
  protectKeyInText(file);
  const config = parseOfficevibeConfig(readJsonFile(file, 'Officevibe config file'), file, dirname(file));
  checkProxyEnvironment(process.env);
  if (config.apiKey?.kind === 'config') registerSecret(config.apiKey.value);
  if (config.ignoredKeys.length > 0) {
    log.warn(
      `${file}: roster does not use ${config.ignoredKeys.map((key) => `"${key}"`).join(', ')}; ignored (check the spelling if one of them was meant for roster)`,
    );
  }
  return config;
}

/**
 * An ApiKey written in config.json (the original tool's format) is registered for redaction before
 * the JSON is parsed: a syntax error's message quotes the text around it, which may be the key.
 */
function protectKeyInText(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // readJsonFile reports it
  }
  for (const match of text.matchAll(/"apikey"\s*:\s*"((?:[^"\\\r\n]|\\.)*)"/gi)) {
    const value = match[1] ?? '';
    registerSecret(value);
    registerSecret(value.trim());
  }
}

/** The API key's value; only read when a request is about to be sent. */
export function readApiKey(source: ApiKeySource): string {
  return source.kind === 'config' ? source.value : readSecret(source);
}

/** Says once per run that a key in config.json's text is readable by anyone who can read the file. */
export function warnAboutKeyInText(source: ApiKeySource, log: Logger): void {
  if (source.kind !== 'config') return;
  log.warn(
    "the API key is read from config.json (ApiKey, the original tool's way); anyone who can read that file can use it: move it to an environment variable named by ApiKeyEnv, or a file named by ApiKeyFile",
  );
}

/** The three files, decoded and parsed; every problem of every file is collected. */
export function readOfficevibeFiles(
  config: OfficevibeConfig,
  options: { ignoreEncoding: boolean },
  log: Logger,
): { tables: OfficevibeTables | undefined; problems: string[] } {
  const problems: string[] = [];
  const read = (file: string, spec: TableSpec, key: string) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = errnoText(error);
      throw new InvalidInputError(`cannot read ${file} (${key}): ${code === 'ENOENT' ? 'no such file' : code}`, {
        hint: `Check ${key} in ${config.file} (relative paths start at its folder; the default is the Data folder beside it), or run "roster officevibe export" to make the file from the directory.`,
      });
    }
    const decoded = decodeCsv(bytes, file, options);
    if ('problem' in decoded) {
      problems.push(decoded.problem);
      return undefined;
    }
    if (decoded.warning !== undefined) log.warn(decoded.warning);
    const { table, problems: found } = readTable(decoded.text, file, spec);
    problems.push(...found);
    if (table !== undefined) log.debug(`${file}: ${table.records.length} rows, columns ${table.columns.join(',')}`);
    return table;
  };
  const users = read(config.files.users, USERS_SPEC, 'UsersFile');
  const groups = read(config.files.groups, GROUPS_SPEC, 'GroupsFile');
  const mappings = read(config.files.mappings, MAPPINGS_SPEC, 'GroupsMappingFile');
  const tables = users && groups && mappings ? { users, groups, mappings } : undefined;
  return { tables, problems };
}
