// npm run sandbox, as an administrator rehearses with it: the script it runs prints the URLs,
// client id, secret, sites and CA file; roster pushes to the sandbox with exactly those (an iLobby
// first push, a second push, an Officevibe sync); Ctrl-C stops it cleanly.
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRoster } from '../harness/cli.js';
import { OFFICEVIBE_FIXTURE, FIXTURE_CONFIG } from '../harness/officevibeSetup.js';
import { packageRoot } from '../../src/platform/paths.js';

const SERVE = fileURLToPath(new URL('../sandbox/serve.js', import.meta.url));
const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';

/** The printed value after `label` (two or more spaces, then the value). */
const printed = (output: string, label: string) => {
  const match = new RegExp(`^ {2}${label} {2,}(\\S+)`, 'm').exec(output);
  expect(match, `"${label}" in:\n${output}`).to.not.equal(null);
  return match![1]!;
};

function getJson(url: string, caFile: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { ca: readFileSync(caFile) }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

describe('npm run sandbox: a rehearsal on this machine', function () {
  let child: ChildProcessWithoutNullStreams | undefined;
  after(() => child?.kill('SIGKILL'));

  it('is the script package.json runs', () => {
    const scripts = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.sandbox).to.equal('npm run build && node dist/test/sandbox/serve.js');
  });

  it('prints what config.json needs; roster pushes to iLobby and Officevibe with exactly that; Ctrl-C stops it cleanly', async () => {
    child = spawn(process.execPath, [SERVE], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('close', resolve));
    for (let waited = 0; !output.includes('"ilobby"') || !output.trimEnd().endsWith('}'); waited += 100) {
      if (waited > 60_000) throw new Error(`the sandbox printed no config within a minute:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The "ilobby" block, pasted as it is into a config.json; the secret in the environment.
    const block = JSON.parse(output.slice(output.indexOf('{', output.indexOf('"ilobby" for config.json')))) as { ilobby: Record<string, unknown> };
    const caFile = printed(output, 'caFile');
    expect(block.ilobby).to.deep.equal({
      tokenUrl: printed(output, 'tokenUrl'),
      uploadUrl: printed(output, 'uploadUrl'),
      clientId: printed(output, 'clientId'),
      clientSecretEnv: 'ROSTER_CLIENT_SECRET',
      caFile,
      sites: ['Toronto', 'Montreal', 'Head Office'],
    });
    const dir = mkdtempSync(join(tmpdir(), 'roster-rehearsal-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(block));
    writeFileSync(
      join(dir, 'people.csv'),
      `${HEADER}\nAda,Lovelace,Engineer,R&D,ada@example.org,,,Toronto\nAlan,Turing,Analyst,R&D,alan@example.org,,,Montreal\n`,
    );
    const upload = (args: string[]) =>
      runRoster(['upload', join(dir, 'people.csv'), '--config', join(dir, 'config.json'), ...args], {
        cwd: dir,
        env: { ROSTER_CLIENT_SECRET: printed(output, 'clientSecret') },
      });
    const first = await upload(['--first-push']);
    expect(first.code, first.all).to.equal(0);
    const second = await upload([]);
    expect(second.code, second.all).to.equal(0);
    const book = (await getJson(printed(output, 'address book'), caFile)) as Array<{ email: string; enabled: boolean; site: string }>;
    expect(book.map((p) => [p.email, p.site, p.enabled])).to.deep.equal([
      ['ada@example.org', 'Toronto', true],
      ['alan@example.org', 'Montreal', true],
    ]);

    // The Enterprise Sync Tool's folder, pointed at the Officevibe sandbox with the printed values.
    const ov = mkdtempSync(join(tmpdir(), 'roster-rehearsal-ov-'));
    cpSync(OFFICEVIBE_FIXTURE, ov, { recursive: true });
    writeFileSync(
      join(ov, 'config.json'),
      JSON.stringify({ ...FIXTURE_CONFIG, ApiUrl: printed(output, 'ApiUrl'), ApiKey: printed(output, 'ApiKey'), caFile: printed(output, 'caFile') }),
    );
    const synced = await runRoster(['officevibe', 'push', '--first-push', '--config', join(ov, 'config.json')], { cwd: ov });
    expect(synced.code, synced.all).to.equal(0);

    child.kill('SIGINT');
    expect(await exited).to.equal(0);
    expect(output).to.include('stopped (SIGINT); 2 iLobby uploads and 1 Officevibe syncs were received');
  });
});
