// A last push that cannot be the push roster made is refused (roster upload against the iLobby
// sandbox, no directory): every recorded push keeps its row count and SHA-256 beside it, and a
// last-push.csv cut at a line boundary or emptied to its header would let a partial roster through
// as "0 to be disabled". An earlier roster's baseline, with no record, is checked against the run
// reports' count; one with no rows is never a push roster made.
import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace } from '../harness/cli.js';
import { uploadConfig, uploadIn, useSandboxes } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const people = Array.from({ length: 20 }, (_, i) => `P${i},Doe,Analyst,R&D,p${String(i).padStart(2, '0')}@example.org,,,Toronto`);
const csv = (lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;

describe('a last push that cannot be a real push (roster upload)', function () {
  const startSandbox = useSandboxes();

  async function pushedOnce(): Promise<{ service: IlobbySandbox; dir: string; lastPush: string }> {
    const service = await startSandbox({ sites: ['Toronto'] });
    const dir = workspace({ 'config.json': uploadConfig(service, { sites: ['Toronto'] }), 'hr.csv': csv(people) });
    const first = await upload(dir, ['--first-push']);
    expect(first.code, first.all).to.equal(0);
    return { service, dir, lastPush: join(dir, 'state', 'ilobby', 'last-push.csv') };
  }
  const upload = (dir: string, args: string[] = []) => uploadIn(dir, 'hr.csv', args);

  it('records the row count and checksum beside the push', async () => {
    const { dir } = await pushedOnce();
    const record = JSON.parse(readFileSync(join(dir, 'state', 'ilobby', 'last-push.record.json'), 'utf8')) as Record<string, unknown>;
    expect(record).to.include({ rows: 20, bytes: Buffer.byteLength(csv(people)) });
    expect(record.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  for (const [what, cut] of [
    ['cut at a line boundary', csv(people.slice(0, 8))],
    ['holding only its header', `${HEADER}\n`],
  ] as const) {
    it(`refuses a last-push.csv ${what} (exit 2, the path named, what to try), asking for no token`, async () => {
      const { service, dir, lastPush } = await pushedOnce();
      writeFileSync(lastPush, cut);
      writeFileSync(join(dir, 'hr.csv'), csv(people.slice(0, 8))); // 8 of 20: "0 to be disabled" against the cut file
      const tokens = service.tokenRequests;
      for (const args of [[], ['--force'], ['--dry-run']]) {
        const run = await upload(dir, args);
        expect(run.code, run.all).to.equal(2);
        expect(run.stderr).to.include(`${lastPush} is not the push roster recorded: it holds ${cut === `${HEADER}\n` ? 0 : 8} rows`);
        expect(run.stderr).to.include('last-push.record.json says 20 rows');
        expect(run.stderr).to.include('what to try: Restore the state folder from a backup');
      }
      expect(service.tokenRequests).to.equal(tokens);
      expect(service.uploads).to.have.length(1);
    });
  }

  it("checks an earlier roster's baseline (no record) against the run reports, and refuses one with no rows", async () => {
    const { dir, lastPush } = await pushedOnce();
    rmSync(join(dir, 'state', 'ilobby', 'last-push.record.json'));
    const intact = await upload(dir, ['--dry-run']);
    expect(intact.code, 'the report of the push that wrote it says 20 rows: it matches').to.equal(0);
    expect(intact.stderr).not.to.include('no record');

    writeFileSync(lastPush, csv(people.slice(0, 8)));
    const cut = await upload(dir, ['--dry-run']);
    expect(cut.code, cut.all).to.equal(2);
    expect(cut.stderr).to.match(/last-push\.csv holds 8 rows, but the run report of that push \(.*reports.*-upload\.json\) says 20 were sent/);

    writeFileSync(lastPush, `${HEADER}\n`);
    rmSync(join(dir, 'state', 'reports'), { recursive: true });
    const empty = await upload(dir, ['--dry-run']);
    expect(empty.code, empty.all).to.equal(2);
    expect(empty.stderr).to.include('last-push.csv holds no rows: roster never pushes an empty roster');

    // Nothing left to vouch for it: taken as it is, with a warning, so an upgrade does not lock a job out.
    writeFileSync(lastPush, csv(people));
    const unvouched = await upload(dir);
    expect(unvouched.code, unvouched.all).to.equal(0);
    expect(unvouched.stderr).to.include('has no record of its row count and checksum (written by an earlier roster) and no run report counts its rows');
  });

  it('refuses a state folder that lost its last-push.csv but kept its record: not a first push, a damaged state (exit 2)', async () => {
    const { service, dir, lastPush } = await pushedOnce();
    rmSync(lastPush);
    writeFileSync(join(dir, 'hr.csv'), csv(people.slice(0, 8)));
    for (const args of [['--dry-run'], ['--first-push']]) {
      const run = await upload(dir, args);
      expect(run.code, run.all).to.equal(2);
      expect(run.stderr).to.include(`${lastPush} is missing, but last-push.record.json beside it records a push of 20 rows`);
      expect(run.stderr).not.to.include('first push to ilobby');
    }
    expect(service.uploads).to.have.length(1);
    // Deleting the record as well, as the hint says, starts over: a first push again.
    rmSync(join(dir, 'state', 'ilobby', 'last-push.record.json'));
    const over = await upload(dir, ['--dry-run']);
    expect(over.code, over.all).to.equal(4);
    expect(over.stderr).to.include('this is the first push to ilobby');
  });
});
