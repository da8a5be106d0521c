import { expect } from 'chai';
import { ConfigError } from '../../src/errors.js';
import { attributesNeeded, parseFieldMapping } from '../../src/mapping/fields.js';
import { mapRecord } from '../../src/mapping/mapRecord.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';
import { isValidEmail } from '../../src/mapping/email.js';
import { RowCollector } from '../../src/rows/collector.js';

function record(dn: string, attributes: Record<string, string | string[]>): DirectoryRecord {
  return { dn, attributes: new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])) };
}

const adMapping = parseFieldMapping({
  FIRSTNAME: 'givenName', LASTNAME: 'sn', TITLE: 'title', DIVISION: 'department',
  EMAIL: ['mail', 'userPrincipalName'], MOBILE: 'mobile', DESKPHONE: 'telephoneNumber', SITE: 'physicalDeliveryOfficeName',
}, 'fields.config.json');

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
    expect(attributesNeeded(adMapping)).to.deep.equal(['givenname', 'sn', 'title', 'department', 'mail', 'userprincipalname', 'mobile', 'telephonenumber', 'physicaldeliveryofficename']);
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
    expect(result).to.deep.equal({ kind: 'row', notes: undefined, row: { FIRSTNAME: 'Ada', LASTNAME: 'Lovelace', TITLE: '', DIVISION: '', EMAIL: 'ada@corp.example.com', MOBILE: '', DESKPHONE: '', SITE: '' } });
  });

  it('applies match, map, default and constant values', () => {
    const mapping = parseFieldMapping({
      EMAIL: 'mail',
      SITE: { attribute: 'distinguishedName', match: 'OU=([^,]+),OU=Staff', map: { toronto: 'Toronto HQ' }, default: 'Head Office' },
      DIVISION: { value: 'Staff' },
    }, 'f.json');
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
    for (const bad of ['', 'not-an-email', 'a@b', '@b.com', 'a b@c.com', 'a@@b.com', 'a@b..com', 'a@b.com,c@d.com']) expect(isValidEmail(bad), bad).to.equal(false);
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
});
