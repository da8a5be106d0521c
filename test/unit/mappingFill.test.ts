// The attribute names of a mapping checked against a schema's names, and the fill table.
import { expect } from 'chai';
import { AttributeTypes, closestNames, describeUnknown, editDistance, namesInAttributeType, unknownAttributes } from '../../src/mapping/attributeNames.js';
import { parseFieldMapping } from '../../src/mapping/fields.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';
import { RowCollector } from '../../src/rowstore/collector.js';
import { columnFill, describeFill, fillWarnings, MOSTLY_EMPTY_PERCENT } from '../../src/rowstore/fill.js';

const SCHEMA = ['givenName', 'sn', 'mail', 'userPrincipalName', 'telephoneNumber', 'telexNumber', 'l', 'physicalDeliveryOfficeName', 'department', 'title'];

function record(dn: string, attributes: Record<string, string>): DirectoryRecord {
  return { dn, attributes: new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), [v]])) };
}

describe('attribute names against the schema', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('givnname', 'givenname')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
    expect(editDistance('', 'abc')).to.equal(3);
    expect(editDistance('same', 'same')).to.equal(0);
  });

  it('suggests the closest names, ignoring case, and none when nothing is close', () => {
    expect(closestNames('GIVNNAME', SCHEMA)).to.deep.equal(['givenName']);
    expect(closestNames('telephonNumber', SCHEMA)).to.deep.equal(['telephoneNumber']);
    expect(closestNames('officeLocation', SCHEMA)).to.deep.equal([]);
  });

  it('names each unknown attribute with its column; the DN, case and options are not unknown', () => {
    const mapping = parseFieldMapping(
      {
        FIRSTNAME: 'givnName',
        LASTNAME: 'SN',
        EMAIL: ['mail', 'userPrincipalName'],
        TITLE: 'title;lang-fr',
        DIVISION: { attribute: 'distinguishedName', match: 'OU=([^,]+)' },
        SITE: 'officeLocation',
        MOBILE: { value: 'none' },
      },
      'fields.config.json',
    );
    const unknown = unknownAttributes(mapping, AttributeTypes.ofNames(SCHEMA));
    expect(unknown.map(describeUnknown)).to.deep.equal([
      'FIRSTNAME: "givnName" is not an attribute of the directory\'s schema; did you mean givenName?',
      'SITE: "officeLocation" is not an attribute of the directory\'s schema; no attribute of the schema has a similar name',
    ]);
  });

  it('reads the names of subschema attributeTypes, single and several', () => {
    expect(namesInAttributeType("( 2.5.4.42 NAME ( 'givenName' 'gn' ) SUP name )")).to.deep.equal(['givenName', 'gn']);
    expect(namesInAttributeType("( 0.9.2342.19200300.100.1.3 NAME 'mail' EQUALITY caseIgnoreIA5Match )")).to.deep.equal(['mail']);
    expect(namesInAttributeType("( 1.2.3 DESC 'no name' )")).to.deep.equal([]);
  });
});

describe('the fill table', () => {
  const mapping = parseFieldMapping({ FIRSTNAME: 'givenName', EMAIL: 'mail', SITE: 'l', MOBILE: 'mobile' }, 'fields.config.json');

  function collect(count: number, attributes: (i: number) => Record<string, string>) {
    const collector = new RowCollector(mapping);
    for (let i = 0; i < count; i++) collector.add(record(`CN=${i}`, { mail: `p${i}@example.com`, ...attributes(i) }));
    return collector.finish().summary;
  }

  it('counts the rows kept with a value per column, a replaced duplicate not counted', () => {
    const collector = new RowCollector(mapping);
    collector.add(record('CN=b', { mail: 'same@example.com', givenName: 'B', l: 'Toronto' }));
    collector.add(record('CN=a', { mail: 'same@example.com', givenName: 'A' })); // sorts first: replaces CN=b
    collector.add(record('CN=c', { mail: 'c@example.com', l: 'Montreal' }));
    collector.add(record('CN=d', { givenName: 'no email' }));
    const { summary } = collector.finish();
    expect(summary.rowsWritten).to.equal(2);
    expect(summary.filled).to.include({ FIRSTNAME: 1, EMAIL: 2, SITE: 1, MOBILE: 0, TITLE: 0 });
  });

  it(`warns about a mapped column empty on every row or on more than ${MOSTLY_EMPTY_PERCENT}% of rows, not about unmapped ones`, () => {
    const summary = collect(100, (i) => ({ givenName: 'X', ...(i < 9 ? { mobile: '+1' } : {}) }));
    const fill = columnFill(summary.filled, summary.rowsWritten, mapping);
    expect(fillWarnings(fill, 'fields.config.json')).to.deep.equal([
      'MOBILE is empty on 91 of 100 rows (from mobile, in fields.config.json)',
      'SITE is empty on every row (from l, in fields.config.json)',
    ]);
    const atLimit = collect(10, (i) => ({ givenName: 'X', l: 'T', ...(i < 1 ? { mobile: '+1' } : {}) }));
    expect(fillWarnings(columnFill(atLimit.filled, atLimit.rowsWritten, mapping), 'f')).to.deep.equal([]); // exactly 90% empty: no warning
    const table = describeFill(fill, summary.rowsWritten);
    expect(table.split('\n')).to.deep.equal([
      'rows with a value, per column (of 100):',
      '  FIRSTNAME 100 100%   givenName',
      '  LASTNAME    -        not mapped',
      '  TITLE       -        not mapped',
      '  DIVISION    -        not mapped',
      '  EMAIL     100 100%   mail',
      '  MOBILE      9   9%   mobile   <- empty on 91 of 100 rows',
      '  DESKPHONE   -        not mapped',
      '  SITE        0   0%   l   <- empty on every row',
    ]);
  });
});
