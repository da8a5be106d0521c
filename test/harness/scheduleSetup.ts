// Shared set-up for the tests of `roster schedule`: a config in a folder whose name needs quoting.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace } from './cli.js';

/**
 * A config that can push (secrets from variables, so the secret steps are printed) in a folder
 * named `folderName`, whose name needs quoting and escaping everywhere.
 */
export function awkwardConfig(config: Record<string, unknown> = {}, folderName = 'R&D roster') {
  const dir = join(workspace({}), folderName);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      directory: { url: 'ldaps://127.0.0.1:9', bindDn: 'svc', bindPasswordEnv: 'ROSTER_BIND_PASSWORD', searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'] },
      ilobby: { tokenUrl: 'https://127.0.0.1:9/token', uploadUrl: 'https://127.0.0.1:9/upload', clientId: 'x', clientSecretEnv: 'ROSTER_CLIENT_SECRET' },
      ...config,
    }),
  );
  return { dir, config: join(dir, 'config.json') };
}
