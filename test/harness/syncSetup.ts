// Shared set-up for tests that sync the Samba fixture into an iLobby sandbox.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { STAFF_DN } from './ad-fixture.js';
import { runRoster, type RunOptions } from './cli.js';
import type { SambaDirectory } from './samba.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startIlobbySandbox, type IlobbySandbox, type SandboxOptions } from '../sandbox/ilobby.js';
import { parseCsv } from '../sandbox/csv.js';

export const expectedCsv = readFileSync(new URL('../../../fixtures/ad-expected.csv', import.meta.url), 'utf8');
export const expectedRecords = parseCsv(expectedCsv)
  .slice(1)
  .map((record) => record.fields);
/** Every SITE the fixture uses, so a sandbox accepts all rows. */
export const fixtureSites = [...new Set(expectedRecords.map((fields) => fields[7] ?? '').filter((site) => site !== ''))];

export const BIND_ENV = 'ROSTER_TEST_BIND_PASSWORD';
export const SECRET_ENV = 'ROSTER_TEST_CLIENT_SECRET';

export function startSandbox(options: SandboxOptions = {}): Promise<IlobbySandbox> {
  return startIlobbySandbox({ sites: fixtureSites, ...options });
}

/**
 * For a suite: a function that starts an iLobby sandbox (the fixture's sites unless `options`
 * say otherwise), every one of which is stopped after the suite.
 */
export function useSandboxes(): (options?: SandboxOptions) => Promise<IlobbySandbox> {
  const started: IlobbySandbox[] = [];
  after(async () => {
    await Promise.all(started.map((service) => service.stop()));
  });
  return async (options = {}) => {
    const service = await startSandbox(options);
    started.push(service);
    return service;
  };
}

export function syncConfig(
  ad: SambaDirectory,
  service: IlobbySandbox,
  directory: Record<string, unknown> = {},
  ilobby: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    directory: { url: ad.ldapsUrl, caFile: ad.caFile, bindDn: ad.bindDn, bindPasswordEnv: BIND_ENV, searchBases: [STAFF_DN], ...directory },
    ilobby: {
      tokenUrl: service.tokenUrl,
      uploadUrl: service.uploadUrl,
      clientId: DEFAULT_CLIENT_ID,
      clientSecretEnv: SECRET_ENV,
      caFile: service.caFile,
      sites: fixtureSites,
      ...ilobby,
    },
    ...extra,
  };
}

/** Runs roster in `dir` with its config.json and the test secrets in the environment. */
export function rosterIn(ad: SambaDirectory, dir: string, args: string[], env: NodeJS.ProcessEnv = {}, options: Pick<RunOptions, 'onOutput'> = {}) {
  return runRoster([...args, '--config', join(dir, 'config.json')], {
    cwd: dir,
    env: { [BIND_ENV]: ad.bindPassword, [SECRET_ENV]: DEFAULT_CLIENT_SECRET, ...env },
    ...options,
  });
}

/**
 * Writes `csv` as a target's last push, with the record roster keeps beside it (its row count and
 * checksum), as if roster had pushed it: for tests that start from a given baseline.
 */
export function writeLastPush(stateDir: string, target: string, csv: string): void {
  const file = join(stateDir, target, 'last-push.csv');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, csv);
  const bytes = Buffer.from(csv, 'utf8');
  const rows = parseCsv(csv.replace(/^\uFEFF/, '')).length - 1;
  const record = { rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  writeFileSync(join(dirname(file), 'last-push.record.json'), `${JSON.stringify(record)}\n`);
}

/** The environment variable `uploadConfig` reads the client secret from. */
export const UPLOAD_SECRET_ENV = 'SECRET';

/** A config.json for `roster upload` against `service`: no directory, the secret in UPLOAD_SECRET_ENV. */
export function uploadConfig(service: IlobbySandbox, ilobby: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    ilobby: {
      tokenUrl: service.tokenUrl,
      uploadUrl: service.uploadUrl,
      clientId: DEFAULT_CLIENT_ID,
      clientSecretEnv: UPLOAD_SECRET_ENV,
      caFile: service.caFile,
      ...ilobby,
    },
    ...extra,
  };
}

/** Runs `roster upload FILE` in `dir` with its config.json, the client secret set and no proxy. */
export function uploadIn(dir: string, file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runRoster(['upload', file, ...args, '--config', join(dir, 'config.json')], {
    cwd: dir,
    env: { [UPLOAD_SECRET_ENV]: DEFAULT_CLIENT_SECRET, HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '', ...env },
  });
}
