import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/platform/atomicWrite.js';
import { CSV_HEADER, formatCsv } from '../../src/ilobby/csv/csvFile.js';
import type { Row } from '../../src/mapping/mapRecord.js';

const empty: Row = { FIRSTNAME: '', LASTNAME: '', TITLE: '', DIVISION: '', EMAIL: '', MOBILE: '', DESKPHONE: '', SITE: '' };

describe('CSV format', () => {
  it('has the exact iLobby header and RFC 4180 quoting', () => {
    const csv = formatCsv(
      [
        {
          ...empty,
          FIRSTNAME: 'Jean, Jr.',
          LASTNAME: 'O"Brien',
          TITLE: 'Line1\nLine2',
          DIVISION: 'cr\rinside',
          EMAIL: 'a@x.org',
          MOBILE: '+1 555',
          SITE: '東京',
        },
        { ...empty, EMAIL: 'b@x.org', DESKPHONE: '=1+2' },
      ],
      { bom: false },
    );
    expect(CSV_HEADER).to.equal('FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE');
    expect(csv).to.equal([CSV_HEADER, '"Jean, Jr.","O""Brien","Line1\nLine2","cr\rinside",a@x.org,+1 555,,東京', ',,,,b@x.org,,=1+2,', ''].join('\n'));
  });

  it('starts with a BOM only when asked', () => {
    expect(formatCsv([], { bom: true })).to.equal(`\uFEFF${CSV_HEADER}\n`);
    expect(formatCsv([], { bom: false })).to.equal(`${CSV_HEADER}\n`);
  });
});

describe('atomic writes', () => {
  it('replaces the file and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-atomic-'));
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).to.equal('new');
    expect(readdirSync(dir)).to.deep.equal(['out.csv']);
  });

  it('keeps the old file when the write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-atomic-'));
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'old');
    expect(() => writeFileAtomic(join(dir, 'missing-folder', 'out.csv'), 'new')).to.throw(/ENOENT/);
    expect(readFileSync(path, 'utf8')).to.equal('old');
  });
});
