import { expect } from 'chai';
import { checkIlobbyCsv } from '../../src/file/readCsv.js';

const header = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const check = (text: string | Uint8Array) => checkIlobbyCsv(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

describe('checking a CSV made elsewhere', () => {
  it('accepts a good file, with or without BOM, with quoted newlines', () => {
    const result = check(`\uFEFF${header}\r\nAda,"Love, lace","a\nb",R&D,ada@x.org,,,Toronto\r\n`);
    expect(result.problems).to.deep.equal([]);
    expect(result.rows).to.have.length(1);
    expect(result.rows[0]?.LASTNAME).to.equal('Love, lace');
  });

  it('refuses a wrong header', () => {
    expect(check('FIRST,LAST,EMAIL\na,b,c@x.org\n').problems).to.deep.equal([`line 1: the header must be exactly ${header}, found FIRST,LAST,EMAIL`]);
  });

  it('refuses bytes that are not UTF-8, naming the line', () => {
    const latin1 = Buffer.concat([Buffer.from(`${header}\nok,,,,a@x.org,,,\n`), Buffer.from([0x52, 0xe9, 0x6d, 0x69]), Buffer.from(',,,,b@x.org,,,\n')]);
    expect(check(latin1).problems).to.deep.equal(['line 3: not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8")']);
  });

  it('lists bad rows with line numbers: field count, missing, invalid and repeated EMAIL', () => {
    const problems = check([header, 'a,b,c,d,a@x.org,f,g,h', 'a,b,c,d,e', 'a,b,c,d,,f,g,h', 'a,b,c,d,not-mail,f,g,h', 'a,b,c,d,A@X.org,f,g,h', ''].join('\n')).problems;
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
