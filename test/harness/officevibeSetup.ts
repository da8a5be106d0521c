// Shared set-up for tests that push the original Enterprise Sync Tool files (fixtures/officevibe/)
// to the Officevibe sandbox: a copy of the fixture folder per test, with its config.json pointed
// at the sandbox.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRoster, type CliRun, type RunOptions } from './cli.js';
import type { OfficevibeSandbox } from '../sandbox/officevibe.js';

export const OFFICEVIBE_FIXTURE = fileURLToPath(new URL('../../../fixtures/officevibe/', import.meta.url));
/** The request the fixture files must become, written by hand from the files (not by running roster). */
export const expectedRequest: unknown = JSON.parse(readFileSync(join(OFFICEVIBE_FIXTURE, 'expected-request.json'), 'utf8'));
export const FIXTURE_CONFIG = JSON.parse(readFileSync(join(OFFICEVIBE_FIXTURE, 'config.json'), 'utf8')) as Record<string, unknown>;

/**
 * A copy of fixtures/officevibe/ (config.json, Data/, expected-request.json) whose ApiUrl is the
 * sandbox's. `config` changes keys; a key set to undefined is removed.
 */
export function officevibeWorkspace(service: OfficevibeSandbox, config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'roster-officevibe-'));
  cpSync(OFFICEVIBE_FIXTURE, dir, { recursive: true });
  writeOfficevibeConfig(dir, { ...FIXTURE_CONFIG, ApiUrl: service.apiUrl, ...config });
  return dir;
}

export function writeOfficevibeConfig(dir: string, config: Record<string, unknown>): void {
  const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(defined, null, 2)}\n`);
}

/** Changes a Data file's text (BOM and CRLF kept as they are). */
export function editDataFile(dir: string, name: string, edit: (text: string) => string): void {
  const path = join(dir, 'Data', name);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/**
 * roster officevibe push in `dir`, trusting the sandbox's CA the way an operator would
 * (NODE_EXTRA_CA_CERTS). With --first-push unless `args` say --no-first-push: most tests start
 * from an empty state folder and are about something else.
 */
export function officevibePush(
  service: OfficevibeSandbox,
  dir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  cwd = dir,
  options: Pick<RunOptions, 'onOutput'> = {},
): Promise<CliRun> {
  const firstPush = args.includes('--no-first-push') ? [] : ['--first-push'];
  return runRoster(['officevibe', 'push', '--config', join(dir, 'config.json'), ...firstPush, ...args], {
    cwd,
    env: { NODE_EXTRA_CA_CERTS: service.caFile, ...env },
    ...options,
  });
}
