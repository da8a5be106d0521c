// npm run sandbox: the local iLobby and Officevibe sandboxes, for an administrator to rehearse on
// before the real services: a first push, a second push, a SITE the portal does not know. Prints
// the URLs, the client id and secret, the API key and the CA file to put in config.json, then
// serves until Ctrl-C (or SIGTERM). Both follow the services' rules (see ilobby.ts, officevibe.ts);
// the address book lives in memory and is gone when this stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCa } from '../harness/certs.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SITES, startIlobbySandbox } from './ilobby.js';
import { startOfficevibeSandbox } from './officevibe.js';

const folder = mkdtempSync(join(tmpdir(), 'roster-sandbox-'));
const ca = makeCa('roster sandbox CA', folder);
const ilobby = await startIlobbySandbox({ ca, sites: DEFAULT_SITES });
const officevibe = await startOfficevibeSandbox({ ca });

const ilobbyConfig = {
  tokenUrl: ilobby.tokenUrl,
  uploadUrl: ilobby.uploadUrl,
  clientId: DEFAULT_CLIENT_ID,
  clientSecretEnv: 'ROSTER_CLIENT_SECRET',
  caFile: ca.certFile,
  sites: ilobby.sites,
};
const text = [
  'roster sandboxes: running until Ctrl-C (nothing is kept after that)',
  '',
  'iLobby',
  `  tokenUrl      ${ilobby.tokenUrl}`,
  `  uploadUrl     ${ilobby.uploadUrl}`,
  `  issuer        ${ilobby.issuer}`,
  `  clientId      ${DEFAULT_CLIENT_ID}`,
  `  clientSecret  ${DEFAULT_CLIENT_SECRET}`,
  `  caFile        ${ca.certFile}`,
  `  sites         ${ilobby.sites.join(', ')}`,
  `  address book  ${ilobby.origin}/sandbox/addressbook (GET, no login: what the sandbox holds now)`,
  '',
  'Officevibe',
  `  ApiUrl        ${officevibe.apiUrl}`,
  `  ApiKey        ${officevibe.apiKey}`,
  `  caFile        ${ca.certFile}`,
  '',
  '"ilobby" for config.json (the secret goes in the environment: ROSTER_CLIENT_SECRET):',
  ...JSON.stringify({ ilobby: ilobbyConfig }, null, 2)
    .split('\n')
    .map((line) => `  ${line}`),
  '',
];
process.stdout.write(`${text.join('\n')}\n`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all([ilobby.stop(), officevibe.stop()]);
  rmSync(folder, { recursive: true, force: true });
  process.stdout.write(`stopped (${signal}); ${ilobby.uploads.length} iLobby uploads and ${officevibe.requests.length} Officevibe syncs were received\n`);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
