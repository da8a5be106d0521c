// `roster check` from start to end: the config, the mapping, every domain controller, every
// iLobby target's token. Every step is tried that can be (one DC failing does not hide the next);
// the exit code is the first failure's. Nothing is written to the directory or uploaded.
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { RosterConfig } from '../config/types.js';
import type { Logger } from '../platform/log/logger.js';
import { planSearch, type SearchPlan } from '../ilobby/extract.js';
import { fetchAccessToken } from '../ilobby/api/token.js';
import { checkDomainController, type DirectoryCheck } from './directory.js';
import type { CheckLog } from './steps.js';

/** The config, or undefined when it cannot be loaded (the step says why). */
export function checkConfig(configPath: string, checks: CheckLog): RosterConfig | undefined {
  const file = resolve(configPath);
  try {
    const config = loadConfig(file);
    const parts = [
      config.directory
        ? `${plural(config.directory.urls.length, 'directory server')}, ${plural(config.directory.searchBases.length, 'search base')}`
        : 'no directory',
      config.ilobby.length > 0 ? plural(config.ilobby.length, 'iLobby target') : 'no iLobby target',
    ];
    checks.pass('config', file, `${file}: ${parts.join(', ')}`);
    return config;
  } catch (error) {
    checks.fail('config', file, error);
    return undefined;
  }
}

export async function checkConnections(config: RosterConfig, checks: CheckLog, log: Logger): Promise<void> {
  if (config.directory === undefined) {
    checks.skip('directory', config.file, 'config.json has no "directory": only "roster upload" can run');
  } else {
    let plan: SearchPlan | undefined;
    try {
      plan = planSearch(config);
      checks.pass('fields', plan.fieldsFile, `${plan.fieldsFile}: ${plural(plan.mapping.length, 'column')}; filter ${plan.query.filter}`);
    } catch (error) {
      checks.fail('fields', config.fieldsFile ?? config.file, error);
    }
    const context: DirectoryCheck = { directory: config.directory, config, plan, checks, log };
    for (const url of config.directory.urls) await checkDomainController(url, context);
  }
  if (config.ilobby.length === 0) {
    checks.section('iLobby');
    checks.skip('iLobby', config.file, 'config.json has no "ilobby": export works; sync and upload need it');
  }
  for (const target of config.ilobby) {
    checks.section(`iLobby target ${target.name}`);
    const endpoint = target.tokenUrl ?? `${target.issuer} (OpenID discovery)`;
    try {
      await fetchAccessToken(target, log); // the token itself is never shown
      checks.pass('token', target.name, `issued by ${endpoint} for client ${target.clientId}; nothing was uploaded`);
    } catch (error) {
      checks.fail('token', target.name, error);
    }
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
