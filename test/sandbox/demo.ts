// npm run demo: a full sync on this machine. A throwaway Active Directory (Samba AD DC with the
// test fixture) and the local iLobby sandbox are started, a real `roster sync` runs against
// them, and what the sandbox's address book then holds is printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAFF_DN } from '../harness/ad-fixture.js';
import { CLI } from '../harness/cli.js';
import { SAMBA_BINARY, SAMBA_PACKAGES, startSamba } from '../harness/samba.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startIlobbySandbox, type AddressBookEntry } from './ilobby.js';

if (!existsSync(SAMBA_BINARY)) {
  console.error(`The demo needs Samba's AD DC: apt-get install ${SAMBA_PACKAGES} (as root).`);
  process.exit(1);
}

console.log('Starting a throwaway Active Directory (Samba AD DC, ~1,200 fixture accounts)…');
const ad = await startSamba();
console.log(`  ${ad.ldapsUrl} ready (provisioned in ${(ad.timings.provisionMs / 1000).toFixed(1)} s)`);
const service = await startIlobbySandbox({ sites: ['Toronto', 'Montreal'] });
// People already in the address book who are not in the directory: the sync disables them.
service.seed([
  { email: 'left.last.year@corp.example.com', firstName: 'Left', lastName: 'Last-Year', site: 'Toronto' },
  { email: 'aaron.anderson@corp.example.com', firstName: 'Aaron', lastName: 'Anderson', title: 'Intern', site: 'Toronto' },
]);
console.log(`Started the iLobby sandbox at ${service.origin} (2 people already in its address book)\n`);

const dir = mkdtempSync(join(tmpdir(), 'roster-demo-'));
writeFileSync(
  join(dir, 'config.json'),
  `${JSON.stringify(
    {
      directory: { url: ad.ldapsUrl, caFile: ad.caFile, bindDn: ad.bindDn, bindPasswordEnv: 'ROSTER_BIND_PASSWORD', searchBases: [STAFF_DN] },
      ilobby: {
        tokenUrl: service.tokenUrl,
        uploadUrl: service.uploadUrl,
        clientId: DEFAULT_CLIENT_ID,
        clientSecretEnv: 'ROSTER_CLIENT_SECRET',
        caFile: service.caFile,
        sites: service.sites,
      },
    },
    null,
    2,
  )}\n`,
);
console.log(`$ roster sync --config ${join(dir, 'config.json')}`);
const code = await new Promise<number | null>((resolve) => {
  spawn(process.execPath, [CLI, 'sync', '--first-push', '--config', join(dir, 'config.json')], {
    stdio: 'inherit',
    env: { ...process.env, ROSTER_BIND_PASSWORD: ad.bindPassword, ROSTER_CLIENT_SECRET: DEFAULT_CLIENT_SECRET },
  }).on('close', resolve);
});
console.log(`(exit code ${code})\n`);

const book = service.addressBook();
const enabled = book.filter((p) => p.enabled);
const disabled = book.filter((p) => !p.enabled);
console.log(`The sandbox's address book now holds ${book.length} people: ${enabled.length} enabled, ${disabled.length} disabled.`);
console.log('\nFirst enabled entries:');
printTable(enabled.slice(0, 8));
console.log('\nDisabled (missing from the push):');
printTable(disabled);
const aaron = book.find((p) => p.email === 'aaron.anderson@corp.example.com');
if (aaron) console.log(`\nUpdated in place: ${aaron.email} is now "${aaron.title}" (was "Intern").`);

await service.stop();
await ad.stop();
rmSync(dir, { recursive: true, force: true });
process.exitCode = code ?? 1;

function printTable(people: AddressBookEntry[]): void {
  const rows = people.map((p) => [p.email, `${p.firstName} ${p.lastName}`.trim(), p.title, p.site]);
  const widths = [0, 1, 2, 3].map((i) => Math.min(40, Math.max(...rows.map((r) => (r[i] ?? '').length), 5)));
  for (const row of rows)
    console.log(
      `  ${row
        .map((cell, i) =>
          (cell ?? '')
            .replace(/\s+/g, ' ')
            .slice(0, widths[i])
            .padEnd(widths[i] ?? 0),
        )
        .join('  ')}`,
    );
  if (rows.length === 0) console.log('  (none)');
}
