import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { binaryAsText, guidText, isBinaryAttribute, isUndecodable, sidText } from '../../src/directory/binary.js';
import { parseFieldMapping } from '../../src/mapping/fields.js';
import { mapRecord } from '../../src/mapping/mapRecord.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';
import { RowCollector } from '../../src/rows/collector.js';
import { toE164, transformCase, truncate } from '../../src/mapping/shape.js';

function record(dn: string, attributes: Record<string, string | string[]>): DirectoryRecord {
  return { dn, attributes: new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])) };
}
const rowOf = (result: ReturnType<typeof mapRecord>) => {
  if (result.kind !== 'row') throw new Error(`expected a row, got ${result.kind}`);
  return result;
};

describe('value shaping', () => {
  it('changes letter case, title case respecting hyphens, apostrophes and other scripts', () => {
    expect(transformCase('jean-pierre o\'NEIL', 'title')).to.equal('Jean-Pierre O\'Neil');
    expect(transformCase('élodie ÉMOND', 'title')).to.equal('Élodie Émond');
    expect(transformCase('ΑΘΗΝΑ', 'lower')).to.equal('αθηνα');
    expect(transformCase('Toronto', 'upper')).to.equal('TORONTO');
  });

  it('normalises valid phone numbers to E.164 and leaves the rest alone', () => {
    expect(toE164('(416) 555-0100', 'CA')).to.equal('+14165550100');
    expect(toE164('+44 20 7946 0958', 'CA')).to.equal('+442079460958');
    expect(toE164('06 12 34 56 78', 'FR')).to.equal('+33612345678');
    expect(toE164('514 555 0199 x 23', 'CA')).to.equal('+15145550199 x23');
    expect(toE164('555-0100', 'CA')).to.equal(undefined);
    expect(toE164('ext. 4412', 'CA')).to.equal(undefined);
  });

  it('cuts to maxLength by characters, never inside one', () => {
    expect(truncate('Vice President, Operations', 14)).to.equal('Vice President');
    expect(truncate('😀😀😀', 2)).to.equal('😀😀');
    expect(truncate('short', 10)).to.equal(undefined);
  });
});

describe('the mapping language', () => {
  it('applies transform, phone and maxLength, counting what it could not normalise or had to cut', () => {
    const mapping = parseFieldMapping({
      EMAIL: 'mail',
      LASTNAME: { attribute: 'sn', transform: 'upper' },
      MOBILE: { attribute: 'mobile', phone: 'e164', country: 'ca' },
      TITLE: { attribute: 'title', maxLength: 10 },
    }, 'f.json');
    const collector = new RowCollector(mapping);
    collector.add(record('CN=A', { mail: 'a@x.org', sn: 'lovelace', mobile: '416 555 0100', title: 'Analyst' }));
    collector.add(record('CN=B', { mail: 'b@x.org', sn: 'turing', mobile: 'call reception', title: 'Head of Cryptanalysis' }));
    const { rows, summary } = collector.finish();
    expect([...rows].map((r) => [r.LASTNAME, r.MOBILE, r.TITLE])).to.deep.equal([
      ['LOVELACE', '+14165550100', 'Analyst'],
      ['TURING', 'call reception', 'Head of Cr'],
    ]);
    expect(summary.warnings).to.deep.equal({ phoneNotNormalized: 1, truncated: 1 });
    expect(summary.warningExamples.phoneNotNormalized).to.deep.equal(['CN=B (MOBILE "call reception")']);
  });

  it('takes the primary SMTP address from proxyAddresses', () => {
    const mapping = parseFieldMapping({ EMAIL: ['proxyAddresses', 'mail'] }, 'f.json');
    const primary = record('CN=A', { proxyAddresses: ['smtp:alias@x.org', 'X500:/o=Org/cn=a', 'SMTP:Primary@X.org'], mail: 'old@x.org' });
    expect(rowOf(mapRecord(primary, mapping)).row.EMAIL).to.equal('Primary@X.org');
    const aliasesOnly = record('CN=B', { proxyAddresses: ['smtp:alias@x.org'], mail: 'b@x.org' });
    expect(rowOf(mapRecord(aliasesOnly, mapping)).row.EMAIL).to.equal('b@x.org');
  });

  it('uses the value of a multi-valued attribute that sorts first, whatever the server\'s order', () => {
    const mapping = parseFieldMapping({ EMAIL: 'mail', DESKPHONE: 'otherTelephone' }, 'f.json');
    const one = record('CN=A', { mail: 'a@x.org', otherTelephone: ['+1 555 0300', '+1 555 0100', '+1 555 0200'] });
    const other = record('CN=A', { mail: 'a@x.org', otherTelephone: ['+1 555 0200', '+1 555 0300', '+1 555 0100'] });
    expect(rowOf(mapRecord(one, mapping)).row.DESKPHONE).to.equal('+1 555 0100');
    expect(rowOf(mapRecord(other, mapping)).row.DESKPHONE).to.equal('+1 555 0100');
  });

  it('names the column for each new option\'s mistakes', () => {
    const problems = (json: unknown) => {
      try {
        parseFieldMapping(json as never, 'f.json');
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ EMAIL: 'mail', LASTNAME: { attribute: 'sn', transform: 'shout' } })).to.deep.equal(['LASTNAME.transform: must be one of upper, lower, title, found "shout"']);
    expect(problems({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'e164' } })[0]).to.match(/^MOBILE\.country: is required with "phone"/);
    expect(problems({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'e164', country: 'XX' } })[0]).to.match(/^MOBILE\.country: "XX" is not a two-letter country code/);
    expect(problems({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'national', country: 'CA' } })[0]).to.match(/^MOBILE\.phone: the only format is "e164"/);
    expect(problems({ EMAIL: 'mail', TITLE: { attribute: 'title', maxLength: 0 } })[0]).to.match(/^TITLE\.maxLength: must be a whole number from 1/);
  });
});

describe('binary attributes', () => {
  it('renders GUIDs and SIDs in their standard text form and nothing else', () => {
    // The bytes AD stores for {6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b}: first three groups little-endian.
    const guid = Buffer.from('9c2b7e6f1d3a5f4e8a9b0c1d2e3f4a5b', 'hex');
    expect(guidText(guid)).to.equal('6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b');
    // S-1-5-21-1-2-3-500
    const sid = Buffer.from('010500000000000515000000010000000200000003000000f4010000', 'hex');
    expect(sidText(sid)).to.equal('S-1-5-21-1-2-3-500');
    expect(binaryAsText('objectguid', guid)).to.equal('6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(binaryAsText('thumbnailphoto', Buffer.from([0xff, 0xd8, 0xff]))).to.equal(undefined);
    expect(isUndecodable(Buffer.from([0x41, 0xff, 0x42]).toString('utf8'))).to.equal(true);
    expect(isUndecodable('Zoë')).to.equal(false);
  });

  it('knows a binary attribute by its name in any case, with options, or by the ;binary option', () => {
    expect(['objectGUID', 'OBJECTSID', 'thumbnailphoto', 'jpegPhoto;x-small', 'userCertificate;binary', 'cn;binary'].filter((name) => !isBinaryAttribute(name))).to.deep.equal([]);
    expect(['mail', 'cn;lang-fr', 'sAMAccountName', 'binary', 'description;x-binary'].filter(isBinaryAttribute)).to.deep.equal([]);
  });
});
