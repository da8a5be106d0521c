// The one email rule refuses what no address holds: control and invisible characters, dots at the
// ends of the local part, and lengths beyond RFC 5321 (64 octets local part, 254 in all).
import { expect } from 'chai';
import { isValidEmail } from '../../src/mapping/email.js';

describe('email rule: hostile values', () => {
  it('refuses control, invisible and space characters anywhere', () => {
    const bad = {
      nul: 'a\0b@example.org',
      newline: 'a@example.org\nb',
      tab: 'a\tb@example.org',
      del: 'ab\x7f@example.org',
      c1: 'a\x85b@example.org',
      zeroWidthSpace: 'a\u200bb@example.org',
      zeroWidthJoiner: 'ab@exa\u200dmple.org',
      bidiOverride: '\u202eab@example.org',
      bom: '\uFEFFab@example.org',
      softHyphen: 'a\u00adb@example.org',
      noBreakSpace: 'a\u00a0b@example.org',
      lineSeparator: 'ab@example.org\u2028',
    };
    for (const [name, email] of Object.entries(bad)) expect(isValidEmail(email), name).to.equal(false);
  });

  it('refuses a dot at either end of the local part, or two in a row', () => {
    for (const email of ['.a@example.org', 'a.@example.org', 'a..b@example.org']) expect(isValidEmail(email), email).to.equal(false);
    expect(isValidEmail('a.b.c@example.org')).to.equal(true);
  });

  it('keeps to RFC 5321 lengths: 64 octets of local part, 254 in all', () => {
    const domain = `@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.example.org`; // 195 octets
    expect(isValidEmail(`${'a'.repeat(64)}@example.org`)).to.equal(true);
    expect(isValidEmail(`${'a'.repeat(65)}@example.org`)).to.equal(false);
    expect(isValidEmail(`${'é'.repeat(33)}@example.org`), '66 octets in UTF-8').to.equal(false);
    expect(isValidEmail(`${'a'.repeat(100_000)}@example.org`)).to.equal(false);
    expect(isValidEmail(`${'a'.repeat(59)}${domain}`), '254').to.equal(true);
    expect(isValidEmail(`${'a'.repeat(60)}${domain}`), '255').to.equal(false);
  });

  it('still accepts ordinary and international addresses', () => {
    for (const email of ['a@b.co', 'first.last+tag@corp.example.com', "o'brien@x.ie", 'émilie.dubé@exemple.ca'])
      expect(isValidEmail(email), email).to.equal(true);
  });
});
