// DNs compared as a directory compares them, and search bases that overlap.
import { expect } from 'chai';
import { isWithin, normalizeDn } from '../../src/directory/dn.js';
import { overlappingBases } from '../../src/directory/people.js';

describe('DNs', () => {
  it('compares spellings of one DN as equal', () => {
    expect(normalizeDn('OU=Staff, DC=Corp ,DC=example')).to.equal('ou=staff,dc=corp,dc=example');
    expect(normalizeDn('CN=Smith\\, John,OU=Staff')).to.equal('cn=smith\\, john,ou=staff');
  });

  it('finds an entry below a base, not a base that only ends the same way', () => {
    expect(isWithin('uid=a,ou=People,dc=example,dc=org', 'OU=people, dc=example,dc=org')).to.equal(true);
    expect(isWithin('ou=People,dc=example,dc=org', 'ou=People,dc=example,dc=org')).to.equal(true);
    expect(isWithin('ou=OtherPeople,dc=example,dc=org', 'ou=People,dc=example,dc=org')).to.equal(false);
    expect(isWithin('cn=x\\,ou=People,dc=example,dc=org', 'ou=People,dc=example,dc=org')).to.equal(false);
  });

  it('says which search base each overlapping one is read with', () => {
    const people = 'ou=People,dc=example,dc=org';
    expect(overlappingBases([people, `ou=Contractors,${people}`, 'ou=Groups,dc=example,dc=org', people.toUpperCase(), people])).to.deep.equal([
      undefined,
      people,
      undefined,
      people,
      people,
    ]);
  });
});
