import { expect } from 'chai';
import { CsvSyntaxError, forEachRecord } from '../../src/ilobby/csv/csvRecords.js';
import { checkIlobbyCsv } from '../../src/ilobby/csv/readCsv.js';

const header = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const check = (text: string | Uint8Array) => checkIlobbyCsv(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

describe('checking a CSV made elsewhere', () => {
  it('accepts a good file, with or without BOM, with quoted newlines', () => {
    const result = check(`\uFEFF${header}\r\nAda,"Love, lace","a\nb",R&D,ada@x.org,,,Toronto\r\n`);
    expect(result.problems).to.deep.equal([]);
    expect(result.rows).to.have.length(1);
    expect(result.rows.first(1)[0]?.LASTNAME).to.equal('Love, lace');
    expect(result.rows.first(1)[0]?.TITLE).to.equal('a\nb');
  });

  it('refuses a wrong header', () => {
    expect(check('FIRST,LAST,EMAIL\na,b,c@x.org\n').problems).to.deep.equal([`line 1: the header must be exactly ${header}, found FIRST,LAST,EMAIL`]);
  });

  it('refuses bytes that are not UTF-8, naming the line', () => {
    const latin1 = Buffer.concat([Buffer.from(`${header}\nok,,,,a@x.org,,,\n`), Buffer.from([0x52, 0xe9, 0x6d, 0x69]), Buffer.from(',,,,b@x.org,,,\n')]);
    expect(check(latin1).problems).to.deep.equal(['line 3: not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8")']);
  });

  it('lists bad rows with line numbers: field count, missing, invalid and repeated EMAIL', () => {
    const problems = check(
      [header, 'a,b,c,d,a@x.org,f,g,h', 'a,b,c,d,e', 'a,b,c,d,,f,g,h', 'a,b,c,d,not-mail,f,g,h', 'a,b,c,d,A@X.org,f,g,h', ''].join('\n'),
    ).problems;
    expect(problems).to.deep.equal([
      'line 3: 5 fields, expected 8',
      'line 4: EMAIL is empty',
      'line 5: EMAIL "not-mail" is not a valid address',
      'line 6: EMAIL a@x.org already on line 2',
    ]);
  });

  it('refuses an empty file', () => {
    expect(check('').problems).to.deep.equal(['the file is empty: expected the header line']);
  });
});

describe('reading CSV records', () => {
  const records = (text: string) => {
    const found: Array<[number, string[]]> = [];
    forEachRecord(text, (fields, line) => {
      found.push([line, fields]);
    });
    return found;
  };

  it('splits plain and quoted records, CRLF or LF, and skips empty lines', () => {
    expect(records('a,b\r\n\r\n"x, y","say ""hi"""\n"multi\nline",z\nlast,')).to.deep.equal([
      [1, ['a', 'b']],
      [3, ['x, y', 'say "hi"']],
      [4, ['multi\nline', 'z']],
      [6, ['last', '']],
    ]);
  });

  it('keeps counting lines after a quoted line break', () => {
    expect(records('h\n"a\nb\nc",d\ne,f\n').map(([line]) => line)).to.deep.equal([1, 2, 5]);
  });

  it('names the line of a quote that is never closed, text after a closing quote, or a stray quote', () => {
    expect(() => records('h\n"open,x\n')).to.throw(CsvSyntaxError, 'line 2: a quoted field is never closed');
    expect(() => records('h\n"closed"x,y\n')).to.throw(CsvSyntaxError, 'line 2: text after a closing quote');
    expect(() => records('h\nab"c,"d"\n')).to.throw(CsvSyntaxError, 'line 2: a quote inside a field that does not start with one');
  });
});

describe('checking a large CSV', () => {
  it('reads 20,000 rows, keeping their order and lower-casing EMAIL', () => {
    const lines = [header];
    for (let i = 0; i < 20_000; i++) lines.push(`First ${i},"Last, ${i}",,,User${i}@Example.org,,,Site`);
    const result = check(`${lines.join('\r\n')}\r\n`);
    expect(result.problems).to.deep.equal([]);
    expect(result.rows.length).to.equal(20_000);
    expect(result.rows.row(19_999)).to.deep.include({ FIRSTNAME: 'First 19999', LASTNAME: 'Last, 19999', EMAIL: 'user19999@example.org' });
  });
});
