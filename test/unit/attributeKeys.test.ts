// Names as the server spells them: every name and the OID of a type find it, and the decoder keeps
// values under the names asked for, whatever name the server answers under, deciding once per
// attribute description and search.
import { expect } from 'chai';
import { AttributeKeys } from '../../src/directory/attributeKeys.js';
import { DescriptionTable } from '../../src/directory/ldapts/descriptionTable.js';
import { decodeSearchEntry } from '../../src/directory/ldapts/entryDecoder.js';
import { AttributeTypes, parseAttributeType, unknownNames } from '../../src/mapping/attributeNames.js';
import { firstValue } from '../../src/mapping/record.js';
import { entryMessage } from '../harness/berMessages.js';

const SCHEMA = new AttributeTypes(
  [
    "( 0.9.2342.19200300.100.1.3 NAME ( 'mail' 'rfc822Mailbox' ) EQUALITY caseIgnoreIA5Match )",
    "( 2.5.4.4 NAME ( 'sn' 'surname' ) SUP name )",
    "( 2.5.4.7 NAME ( 'l' 'localityName' ) SUP name )",
    "( 2.5.4.42 NAME ( 'givenName' 'gn' ) SUP name )",
    "( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )",
    "( 2.16.840.1.113730.3.1.45 NAME 'nsAccountLock' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 USAGE directoryOperation )",
    "( 1.2.840.113556.1.4.2 NAME 'objectGUID' )",
  ].map(parseAttributeType),
);

describe('attribute types from the schema', () => {
  it('reads the OID and every NAME of a definition', () => {
    expect(parseAttributeType("( 2.5.4.42 NAME ( 'givenName' 'gn' ) SUP name )")).to.deep.equal({ oid: '2.5.4.42', names: ['givenName', 'gn'] });
    expect(parseAttributeType("( nsTombstoneCSN-oid NAME 'nsTombstoneCSN' )")).to.deep.equal({ oid: undefined, names: ['nsTombstoneCSN'] });
  });

  it('finds a type by any name or its OID, in any case, options aside', () => {
    for (const name of ['mail', 'RFC822MAILBOX', 'rfc822Mailbox;lang-en', '0.9.2342.19200300.100.1.3'])
      expect(SCHEMA.idOf(name), name).to.equal('0.9.2342.19200300.100.1.3');
    expect(SCHEMA.idOf('mailbox')).to.equal(undefined);
    expect(SCHEMA.knows('distinguishedName')).to.equal(true); // answered from the DN
  });

  it('names unknown attributes with where they are used and the nearest real names', () => {
    const unknown = unknownNames(
      [
        { where: 'directory.filter', attribute: 'nsAccountLocked' },
        { where: 'directory.filter', attribute: 'surname' },
      ],
      SCHEMA,
    );
    expect(unknown).to.deep.equal([{ where: 'directory.filter', attribute: 'nsAccountLocked', suggestions: ['nsAccountLock'] }]);
  });
});

describe('values under the names asked for', () => {
  const keys = new AttributeKeys(['rfc822mailbox', 'surname', 'sn', 'l', '1.2.840.113556.1.4.2'], SCHEMA);

  it('puts an answer under the requested name of its type; an alias pair under both', () => {
    expect(keys.slotFor('mail')).to.include({ binary: false }).and.to.have.deep.property('keys', ['rfc822mailbox']);
    expect(keys.slotFor('SN').keys).to.deep.equal(['surname', 'sn']);
    expect(keys.slotFor('localityName;lang-fr').keys).to.deep.equal(['l;lang-fr']);
    expect(keys.slotFor('title').keys).to.deep.equal(['title']); // not asked for: its own name
    // Asked for by OID: still known as binary, with its text form.
    expect(keys.slotFor('objectGUID')).to.deep.equal({ keys: ['1.2.840.113556.1.4.2'], binary: true, binaryName: 'objectguid' });
  });

  it('decodes entries OpenLDAP answered under primary names into what the mapping asked for', () => {
    const table = new DescriptionTable(keys);
    const message = entryMessage(2, 'uid=nunez,ou=People,dc=example,dc=org', [
      ['mail', ['Jose.Nunez@Example.ORG']],
      ['sn', ['Núñez']],
      ['l', ['Montréal']],
    ]);
    const record = decodeSearchEntry(message, 0, message.length, table);
    expect(firstValue(record, ['rfc822Mailbox'])).to.equal('Jose.Nunez@Example.ORG');
    expect(firstValue(record, ['surname'])).to.equal('Núñez');
    expect(firstValue(record, ['sn'])).to.equal('Núñez');
    expect(firstValue(record, ['l'])).to.equal('Montréal');
  });

  it('names each description once per search, however many entries bring it, in whatever order', () => {
    let named = 0;
    const counting = new AttributeKeys(['mail', 'sn']);
    const original = counting.slotFor.bind(counting);
    counting.slotFor = (description) => {
      named += 1;
      return original(description);
    };
    const table = new DescriptionTable(counting);
    for (let i = 0; i < 50; i++) {
      const attributes: Array<[string, string[]]> = [
        ['mail', [`p${i}@example.org`]],
        ['sn', [`N${i}`]],
      ];
      const message = entryMessage(2, `uid=p${i},dc=example`, i % 2 === 0 ? attributes : attributes.reverse());
      const record = decodeSearchEntry(message, 0, message.length, table);
      expect(firstValue(record, ['mail'])).to.equal(`p${i}@example.org`);
      expect(firstValue(record, ['sn'])).to.equal(`N${i}`);
    }
    expect(named).to.equal(2);
  });
});
