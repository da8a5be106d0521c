// The compact row storage behind every extract: rows kept as CSV line bytes, found again by
// number, sorted by email as bytes (all at once, or run by run as they arrive), and a hash table
// from email to row number.
import { expect } from 'chai';
import { sortByBytes } from '../../src/rowstore/byteOrder.js';
import { EmailIndex, hashOf } from '../../src/rowstore/emailIndex.js';
import { formatCsv } from '../../src/ilobby/csv/csvFile.js';
import { csvLine, parseCsvLine } from '../../src/rowstore/csvLine.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList, RowStore } from '../../src/rowstore/rowStore.js';
import { SortedRuns } from '../../src/rowstore/sortedRuns.js';
import { row } from '../harness/rows.js';

const awkward = row('zoë@example.org', {
  FIRSTNAME: 'Jean, Jr.',
  LASTNAME: 'O"Brien',
  TITLE: 'Line1\nLine2',
  DIVISION: 'cr\rinside',
  MOBILE: '=1+2',
  DESKPHONE: '"',
  SITE: '東京 🏢',
});

describe('a CSV line', () => {
  it('reads back what it wrote, quotes, commas, line breaks and all', () => {
    for (const r of [awkward, row('a@x.org'), row('b@x.org', { SITE: ',' }), row('c@x.org', { FIRSTNAME: '""' })]) {
      expect(parseCsvLine(csvLine(r))).to.deep.equal(r);
    }
  });

  it('refuses a line that is not eight fields', () => {
    expect(() => parseCsvLine('a,b,c')).to.throw(/3 fields/);
    expect(() => parseCsvLine('"a,b,c,d,e,f,g,h')).to.throw(/unclosed quote/);
  });
});

describe('the row store', () => {
  it('gives back each row, its DN and its EMAIL by number', () => {
    const store = new RowStore();
    const a = store.put(awkward, 'CN=Zoë,OU=Staff,DC=corp,DC=example,DC=com');
    const b = store.put(row('plain@x.org'), '');
    expect(store.row(a)).to.deep.equal(awkward);
    expect(store.dn(a)).to.equal('CN=Zoë,OU=Staff,DC=corp,DC=example,DC=com');
    expect(store.email(a)).to.equal('zoë@example.org');
    expect(store.row(b)).to.deep.equal(row('plain@x.org'));
    expect(store.dn(b)).to.equal('');
  });

  it('keeps an EMAIL that needed quoting as it was given', () => {
    const store = new RowStore();
    const number = store.put(row('"odd, one"@x.org'), 'CN=Odd');
    expect(store.email(number)).to.equal('"odd, one"@x.org');
    expect(store.row(number).EMAIL).to.equal('"odd, one"@x.org');
  });

  it('keeps rows across many 1 MB buffers, and a row larger than one', () => {
    const store = new RowStore();
    const huge = row('huge@x.org', { TITLE: 'é'.repeat(700_000) }); // 1.4 MB in UTF-8
    const numbers: number[] = [];
    for (let i = 0; i < 30_000; i++) {
      numbers.push(store.put(row(`p${i}@x.org`, { FIRSTNAME: `First ${i}`, SITE: 'Montréal' }), `uid=p${i},dc=x`));
      if (i === 12_345) numbers.push(store.put(huge, 'uid=huge'));
    }
    expect(store.row(numbers[12_346]!)).to.deep.equal(huge);
    expect(store.dn(numbers[12_346]!)).to.equal('uid=huge');
    expect(store.row(numbers[12_347]!)).to.deep.equal(row('p12346@x.org', { FIRSTNAME: 'First 12346', SITE: 'Montréal' }));
    expect(store.row(numbers.at(-1)!)).to.deep.equal(row('p29999@x.org', { FIRSTNAME: 'First 29999', SITE: 'Montréal' }));
    expect(store.dn(numbers[0]!)).to.equal('uid=p0,dc=x');
  });

  it('writes the same bytes formatCsv would', () => {
    const rows = [awkward, row('a@x.org', { FIRSTNAME: 'Ann' }), row('b@x.org', { TITLE: 'x'.repeat(70_000) })];
    const list = RowList.of(rows);
    const written = Buffer.concat([...list.csvLines()]).toString('utf8');
    const header = formatCsv([], { bom: false });
    expect(header + written).to.equal(formatCsv(rows, { bom: false }));
  });

  it('writes lines spread over several 1 MB chunks in the order asked, a 1.4 MB line included', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 25_000; i++) {
      rows.push(row(`p${i}@x.org`, { FIRSTNAME: `First ${i}`, SITE: 'Montréal' }));
      if (i === 9_999) rows.push(row('huge@x.org', { TITLE: 'é'.repeat(700_000) }));
    }
    const store = new RowStore();
    const numbers = rows.map((r) => store.put(r, 'uid=someone,dc=x'));
    const backwards = Uint32Array.from(numbers).reverse();
    const written = Buffer.concat([...store.lines(backwards)]).toString('utf8');
    const header = formatCsv([], { bom: false });
    expect(header + written).to.equal(formatCsv([...rows].reverse(), { bom: false }));
  });

  it('sorts row numbers by EMAIL bytes: code point order', () => {
    const emails = ['b@x', 'a@x', 'ab@x', 'a', '', 'é@x', 'z@x', '😀@x', '\uffff@x', 'aa@x', 'a@x'];
    const store = new RowStore();
    const numbers = Uint32Array.from(emails, (email) => store.put(row(email), ''));
    const sorted = [...store.sortByEmail(numbers)].map((number) => store.email(number));
    const byCodePoint = [...emails].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(sorted).to.deep.equal(byCodePoint);
    // Unlike UTF-16 order, which puts U+FFFF after the emoji's surrogates.
    expect(sorted.indexOf('😀@x')).to.be.greaterThan(sorted.indexOf('\uffff@x'));
  });
});

describe('sorting byte strings', () => {
  it('agrees with Buffer.compare on keys with long shared prefixes, duplicates and prefixes of each other', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const keys = Array.from({ length: 5_000 }, () => {
      const prefix = ['person.0000', 'person.000', 'p', ''][Math.floor(random() * 4)]!;
      return Buffer.from(prefix + Math.floor(random() * 3_000).toString(36));
    });
    const starts = new Uint32Array(keys.length);
    const lengths = Uint32Array.from(keys, (key) => key.length);
    for (let i = 1; i < keys.length; i++) starts[i] = starts[i - 1]! + lengths[i - 1]!;
    const order = sortByBytes({ bytes: Buffer.concat(keys), starts, lengths });
    const sorted = [...order].map((i) => keys[i]!.toString());
    expect(sorted).to.deep.equal([...keys].sort((a, b) => Buffer.compare(a, b)).map((key) => key.toString()));
    expect(new Set(order).size).to.equal(keys.length);
  });
});

describe('sorting rows as they arrive', () => {
  const random = (() => {
    let seed = 11;
    return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  })();
  const emailAt = () => `${['person.0000', 'p', 'é', '😀', ''][Math.floor(random() * 5)]}${Math.floor(random() * 100_000).toString(36)}@x.org`;

  it('gives the order a sort of them all would, whatever the number of runs', () => {
    for (const count of [0, 1, 1023, 1024, 1025, 5_000, 9_999]) {
      const store = new RowStore();
      const runs = new SortedRuns(store);
      const emails = Array.from({ length: count }, emailAt);
      for (const email of emails) runs.add(store.put(row(email), ''));
      const sorted = [...runs.finish()].map((number) => store.email(number));
      expect(sorted, `${count} rows`).to.deep.equal([...emails].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    }
  });

  it('leaves out the rows a duplicate replaced, in an earlier run or the same one', () => {
    const store = new RowStore();
    const runs = new SortedRuns(store);
    const numbers = Array.from({ length: 3_000 }, (_, i) => store.put(row(`p${i}@x.org`), ''));
    numbers.forEach((number) => runs.add(number));
    // Rows 5 (first run) and 2,999 (the last) get replaced by later rows with the same email.
    const replaced = new Set([numbers[5]!, numbers[2_999]!]);
    for (const email of ['p5@x.org', 'p2999@x.org']) runs.add(store.put(row(email), 'CN=replacement'));
    const sorted = runs.finish((number) => !replaced.has(number));
    const emails = [...sorted].map((number) => store.email(number));
    expect(emails).to.deep.equal(numbers.map((_, i) => `p${i}@x.org`).sort());
    expect([...sorted].filter((number) => store.dn(number) === 'CN=replacement')).to.have.length(2);
  });
});

describe('the email index', () => {
  it('finds every email, points an email at another row, and answers undefined for one it never saw', () => {
    const emails = Array.from({ length: 200_000 }, (_, i) => `user${i}@example.org`);
    const index = new EmailIndex((number) => emails[number]!);
    emails.forEach((email, number) => index.set(email, number));
    expect(index.size).to.equal(200_000);
    expect(emails.every((email, number) => index.get(email) === number)).to.equal(true);
    // A duplicate of user5 stored as another row takes its place.
    emails.push('user5@example.org');
    index.set('user5@example.org', 200_000);
    expect(index.size).to.equal(200_000);
    expect(index.get('user5@example.org')).to.equal(200_000);
    expect(index.get('nobody@example.org')).to.equal(undefined);
  });

  it('tells apart two emails whose 32-bit hashes are the same', () => {
    // Find a real collision among generated emails (a few in 200,000, by the birthday bound).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const email = `user${i}@example.org`;
      const other = seen.get(hashOf(email));
      if (other !== undefined) pair = [other, email];
      seen.set(hashOf(email), email);
    }
    const [first, second] = pair;
    expect(hashOf(first)).to.equal(hashOf(second));
    const emails = [first, second];
    const index = new EmailIndex((number) => emails[number]!);
    index.set(first, 0);
    expect(index.get(second)).to.equal(undefined);
    index.set(second, 1);
    expect([index.get(first), index.get(second), index.size]).to.deep.equal([0, 1, 2]);
  });
});

describe('a row list', () => {
  it('iterates, samples, picks, counts and routes by SITE without copying the rows', () => {
    const list = RowList.of(['a', 'b', 'c', 'd'].map((n) => row(`${n}@x.org`, { SITE: n === 'b' ? 'Paris' : 'Oslo' })));
    expect(list.length).to.equal(4);
    expect([...list].map((r) => r.EMAIL)).to.deep.equal(['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org']);
    expect(list.first(2).map((r) => r.EMAIL)).to.deep.equal(['a@x.org', 'b@x.org']);
    expect([...list.at([1, 3])].map((r) => r.EMAIL)).to.deep.equal(['b@x.org', 'd@x.org']);
    expect([...list.withSites((site) => site === 'Oslo')].map((r) => r.EMAIL)).to.deep.equal(['a@x.org', 'c@x.org', 'd@x.org']);
    expect([...list.at([0, 1, 3]).siteCounts()].sort()).to.deep.equal([
      ['Oslo', 2],
      ['Paris', 1],
    ]);
  });
});
