// SITE values are checked before anything is sent (roster upload against the iLobby sandbox, no
// directory): a value neither `sites` nor the last push knows refuses the push with exit 4 before
// any token is asked for, naming the value, its rows and the nearest known name, and --force does
// not override it; a first push of rows with a SITE needs `sites`; a value the last push had passes.
import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace } from '../harness/cli.js';
import { uploadConfig, uploadIn, useSandboxes } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const person = (name: string, site: string) => `${name},Doe,Analyst,R&D,${name}@example.org,,,${site}`;
const csv = (lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;
const staff = [person('ada', 'Toronto'), person('alan', 'Montreal'), person('grace', '')];

describe('SITE values checked before any push (roster upload)', function () {
  const startSandbox = useSandboxes();
  const sandbox = () => startSandbox({ sites: ['Toronto', 'Montreal'] });

  const folder = (service: IlobbySandbox, ilobby: Record<string, unknown> = {}) => workspace({ 'config.json': uploadConfig(service, ilobby) });
  const upload = (dir: string, lines: string[], args: string[] = []) => {
    writeFileSync(join(dir, 'hr.csv'), csv(lines));
    return uploadIn(dir, 'hr.csv', args);
  };
  const nothingAsked = (service: IlobbySandbox) =>
    expect([service.tokenRequests, service.uploads.length], 'no token asked for, nothing uploaded').to.deep.equal([0, 0]);

  it('refuses a value the portal does not know (exit 4, even with --force), naming its rows and the nearest name, before any token request', async () => {
    const service = await sandbox();
    const dir = folder(service, { sites: ['Toronto', 'Montreal'] });
    const lines = [...staff, person('pierre', 'Montréal'), person('marie', 'Montréal')];
    for (const args of [['--first-push'], ['--first-push', '--force'], ['--first-push', '--dry-run']]) {
      const run = await upload(dir, lines, args);
      expect(run.code, run.all).to.equal(4);
      expect(run.stderr).to.include('error: ilobby: refused: SITE values ilobby does not know');
      expect(run.stderr).to.include('"Montréal" (2 rows; nearest known name: "Montreal", which differs only in accents)');
      expect(run.stderr).to.include('--force does not override this');
      expect(run.stdout).to.include('ilobby: refused, nothing sent: 5 rows');
    }
    nothingAsked(service);
    expect(existsSync(join(dir, 'state', 'ilobby', 'last-push.csv'))).to.equal(false);
  });

  it('refuses a first push of rows with a SITE when ilobby.sites is not set', async () => {
    const service = await sandbox();
    const dir = folder(service);
    const run = await upload(dir, staff, ['--first-push']);
    expect(run.code, run.all).to.equal(4);
    expect(run.stderr).to.include(
      `ilobby: refused: this first push has rows with a SITE ("Montreal" 1, "Toronto" 1), but ilobby.sites does not name the portal's sites`,
    );
    nothingAsked(service);
    // Rows without a SITE need no sites.
    const blank = await upload(dir, [person('grace', '')], ['--first-push']);
    expect(blank.code, blank.all).to.equal(0);
  });

  it('passes a value the last push had, without sites; a new value is refused against that push', async () => {
    const service = await sandbox();
    const dir = folder(service, { sites: ['Toronto', 'Montreal'] });
    expect((await upload(dir, staff, ['--first-push'])).code).to.equal(0);
    // The admin drops "sites" later: the last push still vouches for Toronto and Montreal.
    writeFileSync(join(dir, 'config.json'), JSON.stringify(uploadConfig(service)));
    const again = await upload(dir, [...staff, person('linus', 'Toronto')]);
    expect(again.code, again.all).to.equal(0);
    const uploads = service.uploads.length;
    const typo = await upload(dir, [...staff, person('linus', 'Toronto'), person('ken', 'toronto')]);
    expect(typo.code, typo.all).to.equal(4);
    expect(typo.stderr).to.include('"toronto" (1 row; nearest known name: "Toronto", which differs only in letter case)');
    expect(service.uploads.length).to.equal(uploads);
  });

  it('says how a value differs from a known name that looks the same (Unicode form, spaces), and how to map it', async () => {
    const service = await startSandbox({ sites: ['Toronto', 'Montréal'] });
    const nfd = 'Montréal'.normalize('NFD');
    const dir = folder(service, { sites: ['Toronto ', 'Montréal'] });
    const run = await upload(dir, [person('ada', 'Toronto'), person('pierre', nfd)], ['--first-push']);
    expect(run.code, run.all).to.equal(4);
    expect(run.stderr).to.include(`"${nfd}" (1 row; nearest known name: "Montréal", the same text in another Unicode form: NFD, the known name NFC)`);
    expect(run.stderr).to.include('"Toronto" (1 row; nearest known name: "Toronto ", which differs only in spaces)');
    // The example is the refused value itself, written so that it can be pasted into fields.config.json.
    expect(run.stderr).to.include('(SITE: "map": { "Montre\\u0301al": "Montréal" })');
    nothingAsked(service);
  });
});
