// The change preview: the lines export and sync print, and the --diff-out CSV.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { diffRows } from '../../src/ilobby/diff.js';
import { CHANGES_HEADER, formatChangesCsv } from '../../src/ilobby/csv/changesCsv.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList } from '../../src/rowstore/rowStore.js';
import { changeLines, describeTargetChanges } from '../../src/ilobby/preview.js';

const person = (email: string, title = 'Analyst', site = 'Toronto'): Row => ({
  FIRSTNAME: email.split('@')[0]!,
  LASTNAME: 'X',
  TITLE: title,
  DIVISION: 'R&D',
  EMAIL: email,
  MOBILE: '',
  DESKPHONE: '',
  SITE: site,
});

describe('change preview', () => {
  const previous = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => person(`${n}@example.org`));
  const current = [person('a@example.org', 'Senior, "Lead" Analyst', 'Montreal'), person('b@example.org'), person('new@example.org')];
  const changes = diffRows(RowList.of(previous), RowList.of(current));

  it('prints the counts with the first five EMAILs of each kind', () => {
    expect(changeLines(changes)).to.deep.equal([
      '  added 1 (new@example.org)',
      '  changed 1 (a@example.org)',
      '  to be disabled 5 (c@example.org, d@example.org, e@example.org, f@example.org, g@example.org)',
    ]);
    expect(describeTargetChanges({ target: 'ilobby', rows: 3, previousRows: 7, changes })).to.equal(
      `ilobby, against the last push (7 rows):\n${changeLines(changes).join('\n')}`,
    );
    expect(describeTargetChanges({ target: 'ilobby', rows: 3, previousRows: undefined, changes })).to.equal(
      'ilobby: no previous push to compare with (3 rows would be sent; to be disabled: unknown (no earlier push))',
    );
  });

  it('says a first push cannot know how many it disables, never 0', () => {
    expect(changeLines(diffRows(undefined, RowList.of(current)), { firstPush: true }).at(-1)).to.equal('  to be disabled: unknown (no earlier push)');
  });

  it('lists every change in the CSV: new values, the changed columns and their old values', () => {
    const csv = formatChangesCsv([{ target: 'toronto', changes }]);
    const records = parse(csv);
    expect(records[0]).to.deep.equal(CHANGES_HEADER);
    expect(CHANGES_HEADER).to.deep.equal([
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
    const body = records.slice(1);
    expect(body.map((r) => [r[0], r[1], r[2]])).to.deep.equal([
      ['toronto', 'added', 'new@example.org'],
      ['toronto', 'changed', 'a@example.org'],
      ...['c', 'd', 'e', 'f', 'g'].map((n) => ['toronto', 'disabled', `${n}@example.org`]),
    ]);
    const changed = body[1]!;
    expect(changed.slice(5, 12)).to.deep.equal(['Senior, "Lead" Analyst', 'R&D', '', '', 'Montreal', 'TITLE SITE', '{"TITLE":"Analyst","SITE":"Toronto"}']);
    expect(csv.endsWith('\n')).to.equal(true);
  });

  it('writes only the header when nothing changes', () => {
    expect(formatChangesCsv([{ target: 'ilobby', changes: diffRows(RowList.of(previous), RowList.of(previous)) }])).to.equal(`${CHANGES_HEADER.join(',')}\n`);
  });
});
