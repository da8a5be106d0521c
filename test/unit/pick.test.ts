// pick: which value of a multi-valued attribute a column takes.
import { expect } from 'chai';
import { Problems } from '../../src/config/reader.js';
import { parseFieldMapping } from '../../src/mapping/fields.js';
import { attributesNeeded } from '../../src/mapping/fields.js';
import { parsePick } from '../../src/mapping/pick.js';
import { firstValue, type DirectoryRecord } from '../../src/mapping/record.js';
import { mapRecord } from '../../src/mapping/mapRecord.js';
import { ConfigError } from '../../src/platform/errors.js';

const knuth: DirectoryRecord = {
  dn: 'uid=donald,ou=People,dc=example,dc=org',
  attributes: new Map([
    ['mail', ['d.knuth@mail.example.org', ' donald.knuth@example.org ', 'TAOCP@mail.example.org']],
    ['userprincipalname', ['Donald.Knuth@Example.org']],
  ]),
};

describe('pick', () => {
  it('takes by default the value that sorts first, whatever order the server sent', () => {
    expect(firstValue(knuth, ['mail'])).to.equal('TAOCP@mail.example.org');
    expect(firstValue(knuth, ['mail'], { kind: 'lowest' })).to.equal('TAOCP@mail.example.org');
  });

  it('"first" takes the first value as returned; matching, the first that matches; equalTo, the one another attribute holds', () => {
    expect(firstValue(knuth, ['mail'], { kind: 'first' })).to.equal('d.knuth@mail.example.org');
    expect(firstValue(knuth, ['mail'], { kind: 'matching', pattern: /@example\.org$/i })).to.equal('donald.knuth@example.org');
    expect(firstValue(knuth, ['mail'], { kind: 'equalTo', attribute: 'userPrincipalName' })).to.equal('donald.knuth@example.org');
  });

  it('gives nothing when no value qualifies, so the next attribute or the default applies', () => {
    expect(firstValue(knuth, ['mail', 'userPrincipalName'], { kind: 'matching', pattern: /@corp\.example\.com$/i })).to.equal('');
    const mapping = parseFieldMapping({ EMAIL: { attributes: ['mail', 'userPrincipalName'], pick: { matching: '^donald\\.' } } }, 'fields.config.json');
    const result = mapRecord(knuth, mapping);
    expect(result.kind === 'row' && result.row.EMAIL).to.equal('donald.knuth@example.org');
  });

  it('reads the attribute equalTo compares with', () => {
    const mapping = parseFieldMapping({ EMAIL: { attribute: 'mail', pick: { equalTo: 'userPrincipalName' } } }, 'fields.config.json');
    expect(attributesNeeded(mapping)).to.deep.equal(['mail', 'userprincipalname']);
  });

  it('refuses anything else, naming the column', () => {
    const problems = new Problems();
    expect(parsePick('last', 'EMAIL.pick', problems)).to.equal(undefined);
    expect(parsePick({ matching: '(' }, 'EMAIL.pick', problems)).to.equal(undefined);
    expect(problems.list[0]).to.match(/^EMAIL\.pick: must be "lowest", "first", \{ "matching": .* found string "last"$/);
    expect(problems.list[1]).to.match(/^EMAIL\.pick\.matching: is not a valid regular expression/);
    expect(() => parseFieldMapping({ EMAIL: { value: 'x@y.z', pick: 'first' } }, 'fields.config.json')).to.throw(
      ConfigError,
      /EMAIL\.pick: goes with "attribute" or "attributes"/,
    );
  });
});
