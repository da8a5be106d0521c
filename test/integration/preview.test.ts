// The change preview after a shrink, against the last successful push: `roster export` and
// `roster sync --dry-run` print the counts with the first few of each, and --diff-out lists all.
// The last push is first made by a real sync into the sandbox, then edited to also hold people
// whose TITLE has since changed and to lack some people (who are then "added").
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_COLUMNS, expectedExtract, toCsv, TORONTO_DN, type Row } from '../harness/ad-fixture.js';
import { workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { rosterIn, startSandbox, syncConfig, writeLastPush } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';
import { parseCsv } from '../sandbox/csv.js';

describe('change preview after a shrink', function () {
  let service: IlobbySandbox;
  let dir: string;
  const full = expectedExtract().rows;
  const toronto = expectedExtract({ bases: [TORONTO_DN] }).rows;
  // In the last push: two Toronto people had another title, three Toronto people were missing.
  const retitled = toronto.slice(10, 12);
  const missing = toronto.slice(20, 23);
  const lastPush: Row[] = full
    .filter((row) => !missing.some((m) => m.EMAIL === row.EMAIL))
    .map((row) => (retitled.some((r) => r.EMAIL === row.EMAIL) ? { ...row, TITLE: `Former ${row.TITLE}` } : row));
  const torontoEmails = new Set(toronto.map((row) => row.EMAIL));
  const expected = {
    added: missing.map((row) => row.EMAIL),
    changed: retitled.map((row) => row.EMAIL),
    disabled: lastPush.filter((row) => !torontoEmails.has(row.EMAIL)).map((row) => row.EMAIL),
  };

  const ad = useSamba();
  before(async () => {
    service = await startSandbox();
    dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const first = await rosterIn(ad(), dir, ['sync', '--first-push']);
    expect(first.code, first.all).to.equal(0);
    writeLastPush(join(dir, 'state'), 'ilobby', toCsv(lastPush));
    // The shrink: OU=Montreal dropped from the search bases.
    writeFileSync(join(dir, 'config.json'), JSON.stringify(syncConfig(ad(), service, { searchBases: [TORONTO_DN] })));
  });
  after(async () => service?.stop());

  function changeList(file: string) {
    const [header, ...records] = parseCsv(readFileSync(join(dir, file), 'utf8')).map((r) => r.fields);
    expect(header).to.deep.equal([
      'target',
      'change',
      'EMAIL',
      'FIRSTNAME',
      'LASTNAME',
      'TITLE',
      'DIVISION',
      'MOBILE',
      'DESKPHONE',
      'SITE',
      'changedColumns',
      'before',
    ]);
    const emails = (change: string) => records.filter((r) => r[1] === change).map((r) => r[2]!);
    expect(records.every((r) => r[0] === 'ilobby')).to.equal(true);
    return { records, added: emails('added'), changed: emails('changed'), disabled: emails('disabled') };
  }
  function expectPreview(stdout: string, refused = false) {
    const first = (emails: string[]) => `${emails.slice(0, 5).join(', ')}${emails.length > 5 ? ', …' : ''}`;
    expect(stdout).to.include(`  added ${expected.added.length} (${first(expected.added)})\n`);
    expect(stdout).to.include(`  changed ${expected.changed.length} (${first(expected.changed)})\n`);
    // A refusal names the first people to be disabled once, in its own message.
    expect(stdout).to.include(`  to be disabled ${expected.disabled.length} (${refused ? 'named in the refusal above' : first(expected.disabled)})`);
  }
  function expectChangeList(file: string) {
    const list = changeList(file);
    expect(list.added).to.deep.equal(expected.added);
    expect(list.changed).to.deep.equal(expected.changed);
    expect(list.disabled).to.deep.equal(expected.disabled);
    for (const row of retitled) {
      const record = list.records.find((r) => r[1] === 'changed' && r[2] === row.EMAIL)!;
      expect(record.slice(10)).to.deep.equal(['TITLE', JSON.stringify({ TITLE: `Former ${row.TITLE}` })]);
      expect(record[5]).to.equal(row.TITLE);
    }
    const disabledRecord = list.records.find((r) => r[1] === 'disabled')!;
    const before = lastPush.find((row) => row.EMAIL === disabledRecord[2])!;
    expect(disabledRecord.slice(2, 10)).to.deep.equal(['EMAIL', ...CSV_COLUMNS.filter((c) => c !== 'EMAIL')].map((c) => before[c as keyof Row]));
  }

  it('export prints what would change against the last push and --diff-out lists every change', async () => {
    expect(expected.disabled.length).to.be.greaterThan(500);
    const run = await rosterIn(ad(), dir, ['export', '--diff-out', 'changes.csv']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.include(`ilobby, against the last push (${lastPush.length} rows):\n`);
    expectPreview(run.stdout);
    expectChangeList('changes.csv');
  });

  it('sync --dry-run prints the same preview and change list, sending nothing', async () => {
    const uploads = service.uploads.length;
    const relaxed = syncConfig(ad(), service, { searchBases: [TORONTO_DN] }, {}, { safety: { maxDisableCount: 100_000, maxDisablePercent: 100 } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(relaxed));
    const run = await rosterIn(ad(), dir, ['sync', '--first-push', '--dry-run', '--diff-out', 'dry-run.csv']);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(syncConfig(ad(), service, { searchBases: [TORONTO_DN] })));
    expect(run.code, run.all).to.equal(0);
    const counts = `${toronto.length} rows (${expected.added.length} added, ${expected.changed.length} changed, ${expected.disabled.length} to be disabled)`;
    expect(run.stdout).to.include(`ilobby: dry run, nothing sent: ${counts}\n`);
    expectPreview(run.stdout);
    expectChangeList('dry-run.csv');
    expect(service.uploads.length).to.equal(uploads);
  });

  it('a dry run the safety checks refuse (exit 4) still shows the preview and writes the list', async () => {
    const run = await rosterIn(ad(), dir, ['sync', '--first-push', '--dry-run', '--diff-out', 'refused.csv']);
    expect(run.code, run.all).to.equal(4);
    expectPreview(run.stdout, true);
    expect(run.stderr).to.include(`would be disabled, more than safety.maxDisableCount (500): ${expected.disabled.slice(0, 10).join(', ')}, … (`);
    expect(run.stderr).to.include('Every change is listed in');
    expect(run.all.split(expected.disabled[0]!).length - 1, 'the first person to be disabled is named once').to.equal(1);
    expectChangeList('refused.csv');
  });
});
