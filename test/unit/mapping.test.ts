import { expect } from 'chai';
import { ConfigError } from '../../src/platform/errors.js';
import { attributesNeeded, parseFieldMapping } from '../../src/mapping/fields.js';
import { mapRecord } from '../../src/mapping/mapRecord.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';
import { isValidEmail } from '../../src/mapping/email.js';
import { toE164, transformCase, truncate } from '../../src/mapping/shape.js';
import { RowCollector } from '../../src/rowstore/collector.js';

function record(dn: string, attributes: Record<string, string | string[]>): DirectoryRecord {
  return { dn, attributes: new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])) };
}
const rowOf = (result: ReturnType<typeof mapRecord>) => {
  if (result.kind !== 'row') throw new Error(`expected a row, got ${result.kind}`);
  return result;
};

const adMapping = parseFieldMapping(
  {
    FIRSTNAME: 'givenName',
    LASTNAME: 'sn',
    TITLE: 'title',
    DIVISION: 'department',
    EMAIL: ['mail', 'userPrincipalName'],
    MOBILE: 'mobile',
    DESKPHONE: 'telephoneNumber',
    SITE: 'physicalDeliveryOfficeName',
  },
  'fields.config.json',
);

function mappingErrors(json: unknown): string[] {
  try {
    parseFieldMapping(json as never, 'fields.config.json');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('fields.config.json', () => {
  it('lists the attributes a search needs, lower-cased and once each', () => {
    expect(attributesNeeded(adMapping)).to.deep.equal([
      'givenname',
      'sn',
      'title',
      'department',
      'mail',
      'userprincipalname',
      'mobile',
      'telephonenumber',
      'physicaldeliveryofficename',
    ]);
  });

  it('names an unknown column, a bad regular expression and an unknown option', () => {
    const problems = mappingErrors({ EMAIL: 'mail', FIRSTNAM: 'givenName', SITE: { attribute: 'dn', match: '(unclosed', colour: 'red' } });
    expect(problems[0]).to.match(/^FIRSTNAM: is not a CSV column/);
    expect(problems.some((p) => p.startsWith('SITE.match: is not a valid regular expression'))).to.equal(true);
    expect(problems).to.include('SITE.colour: unknown key (check its spelling and case)');
  });

  it('requires EMAIL and exactly one source per object', () => {
    expect(mappingErrors({ FIRSTNAME: 'givenName' })).to.include('EMAIL: is required: iLobby matches people by EMAIL');
    expect(mappingErrors({ EMAIL: { attribute: 'mail', value: 'x' } })).to.include('EMAIL: set exactly one of "attribute", "attributes" or "value"');
    expect(mappingErrors({ EMAIL: [] })).to.include('EMAIL: a list must hold one or more attribute names');
    expect(mappingErrors({ EMAIL: 42 })[0]).to.match(/^EMAIL: must be an attribute name/);
  });
});

describe('mapping a record', () => {
  it('takes attributes case-insensitively, trims, and uses the first non-empty of a list', () => {
    const result = mapRecord(record('CN=A', { GIVENNAME: '  Ada ', sn: 'Lovelace', mail: ['  '], userPrincipalName: 'ada@corp.example.com' }), adMapping);
    expect(result).to.deep.equal({
      kind: 'row',
      notes: undefined,
      row: { FIRSTNAME: 'Ada', LASTNAME: 'Lovelace', TITLE: '', DIVISION: '', EMAIL: 'ada@corp.example.com', MOBILE: '', DESKPHONE: '', SITE: '' },
    });
  });

  it('applies match, map, default and constant values', () => {
    const mapping = parseFieldMapping(
      {
        EMAIL: 'mail',
        SITE: { attribute: 'distinguishedName', match: 'OU=([^,]+),OU=Staff', map: { toronto: 'Toronto HQ' }, default: 'Head Office' },
        DIVISION: { value: 'Staff' },
      },
      'f.json',
    );
    const toronto = mapRecord(record('CN=A,OU=Toronto,OU=Staff,DC=corp', { mail: 'a@x.org' }), mapping);
    const montreal = mapRecord(record('CN=B,ou=Montreal,ou=Staff,DC=corp', { mail: 'b@x.org' }), mapping);
    const elsewhere = mapRecord(record('CN=C,OU=Partners,DC=corp', { mail: 'c@x.org' }), mapping);
    expect(toronto.kind === 'row' && [toronto.row.SITE, toronto.row.DIVISION]).to.deep.equal(['Toronto HQ', 'Staff']);
    expect(montreal.kind === 'row' && montreal.row.SITE).to.equal('Montreal');
    expect(elsewhere.kind === 'row' && elsewhere.row.SITE).to.equal('Head Office');
  });

  it('reports a value outside `allowed`', () => {
    const mapping = parseFieldMapping({ EMAIL: 'mail', SITE: { attribute: 'l', allowed: ['Toronto'] } }, 'f.json');
    expect(mapRecord(record('CN=A', { mail: 'a@x.org', l: 'Paris' }), mapping)).to.deep.equal({ kind: 'notAllowed', column: 'SITE', value: 'Paris' });
  });
});

describe('email rules and rows', () => {
  it('accepts addresses and refuses what cannot be one', () => {
    for (const ok of ['a@b.co', 'first.last+tag@corp.example.com', "o'brien@x.ie"]) expect(isValidEmail(ok), ok).to.equal(true);
    for (const bad of ['', 'not-an-email', 'a@b', '@b.com', 'a b@c.com', 'a@@b.com', 'a@b..com', 'a@b.com,c@d.com'])
      expect(isValidEmail(bad), bad).to.equal(false);
  });

  it('lower-cases EMAIL, skips by reason, keeps one row per email and sorts by email', () => {
    const collector = new RowCollector(adMapping);
    collector.add(record('CN=Zed,OU=S', { mail: 'Zed@Corp.example.com', givenName: 'Zed' }));
    collector.add(record('CN=NoMail,OU=S', { givenName: 'Nobody' }));
    collector.add(record('CN=Bad,OU=S', { mail: 'not-an-email' }));
    collector.add(record('CN=Dup B,OU=S', { mail: 'DUP@corp.example.com', givenName: 'Second' }));
    collector.add(record('CN=Dup A,OU=S', { mail: 'dup@corp.example.com', givenName: 'First' }));
    collector.add(record('CN=Amy,OU=S', { mail: 'amy@corp.example.com' }));
    const { rows, summary } = collector.finish();
    expect([...rows].map((r) => r.EMAIL)).to.deep.equal(['amy@corp.example.com', 'dup@corp.example.com', 'zed@corp.example.com']);
    // The duplicate kept is the one whose DN sorts first, whatever order the server used.
    expect([...rows][1]?.FIRSTNAME).to.equal('First');
    expect(summary.entriesFound).to.equal(6);
    expect(summary.rowsWritten).to.equal(3);
    expect(summary.skipped).to.deep.equal({ noEmail: 1, invalidEmail: 1, duplicateEmail: 1, notAllowed: 0 });
    expect(summary.examples.invalidEmail[0]).to.equal('CN=Bad,OU=S ("not-an-email")');
  });

  it('takes the same entry read twice (overlapping search bases) as one person, not a duplicate', () => {
    const collector = new RowCollector(adMapping);
    collector.add(record('CN=Amy,OU=S,DC=corp', { mail: 'amy@corp.example.com' }));
    collector.add(record('cn=amy,ou=s,dc=corp', { mail: 'amy@corp.example.com' }));
    const { rows, summary } = collector.finish();
    expect(rows.length).to.equal(1);
    expect(summary.entriesFound).to.equal(1);
    expect(summary.skipped.duplicateEmail).to.equal(0);
  });
});

describe('value shaping', () => {
  it('changes letter case, title case respecting hyphens, apostrophes and other scripts', () => {
    expect(transformCase("jean-pierre o'NEIL", 'title')).to.equal("Jean-Pierre O'Neil");
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
    const mapping = parseFieldMapping(
      {
        EMAIL: 'mail',
        LASTNAME: { attribute: 'sn', transform: 'upper' },
        MOBILE: { attribute: 'mobile', phone: 'e164', country: 'ca' },
        TITLE: { attribute: 'title', maxLength: 10 },
      },
      'f.json',
    );
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

  it("uses the value of a multi-valued attribute that sorts first, whatever the server's order", () => {
    const mapping = parseFieldMapping({ EMAIL: 'mail', DESKPHONE: 'otherTelephone' }, 'f.json');
    const one = record('CN=A', { mail: 'a@x.org', otherTelephone: ['+1 555 0300', '+1 555 0100', '+1 555 0200'] });
    const other = record('CN=A', { mail: 'a@x.org', otherTelephone: ['+1 555 0200', '+1 555 0300', '+1 555 0100'] });
    expect(rowOf(mapRecord(one, mapping)).row.DESKPHONE).to.equal('+1 555 0100');
    expect(rowOf(mapRecord(other, mapping)).row.DESKPHONE).to.equal('+1 555 0100');
  });

  it("names the column for each new option's mistakes", () => {
    expect(mappingErrors({ EMAIL: 'mail', LASTNAME: { attribute: 'sn', transform: 'shout' } })).to.deep.equal([
      'LASTNAME.transform: must be one of upper, lower, title, found "shout"',
    ]);
    expect(mappingErrors({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'e164' } })[0]).to.match(/^MOBILE\.country: is required with "phone"/);
    expect(mappingErrors({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'e164', country: 'XX' } })[0]).to.match(
      /^MOBILE\.country: "XX" is not a two-letter country code/,
    );
    expect(mappingErrors({ EMAIL: 'mail', MOBILE: { attribute: 'mobile', phone: 'national', country: 'CA' } })[0]).to.match(
      /^MOBILE\.phone: the only format is "e164"/,
    );
    expect(mappingErrors({ EMAIL: 'mail', TITLE: { attribute: 'title', maxLength: 0 } })[0]).to.match(/^TITLE\.maxLength: must be a whole number from 1/);
  });
});
