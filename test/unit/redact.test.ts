// Redaction finds a secret in every shape output can hold it: raw, JSON-escaped (once and twice),
// form-encoded (`+` and `%20`, hex in either case), base64 alone or inside `id:secret`; and a
// short secret blanks only whole values, never an ordinary word.
import { expect } from 'chai';
import { base64Forms, redact, registerSecret, secretsPattern } from '../../src/platform/log/redact.js';

const scrub = (secret: string, text: string) => text.replace(secretsPattern([secret]), '[redacted]');

describe('redact', () => {
  const secret = 'my"secret\\pw$1 x+y/z~é';

  it('finds the raw, JSON-escaped, percent-encoded and base64 forms of a secret', () => {
    const json = JSON.stringify(secret).slice(1, -1);
    const forms = {
      raw: secret,
      json,
      jsonTwice: JSON.stringify(json).slice(1, -1),
      form: new URLSearchParams({ s: secret }).toString().slice(2),
      formLowerHex: new URLSearchParams({ s: secret })
        .toString()
        .slice(2)
        .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      uri: encodeURIComponent(secret),
      unicodeEscaped: [...secret].map((c) => (/[a-z0-9]/i.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(''),
      base64: Buffer.from(secret).toString('base64'),
      base64url: Buffer.from(secret).toString('base64url'),
    };
    for (const [name, form] of Object.entries(forms)) {
      expect(form, name).not.to.equal('');
      expect(scrub(secret, `before ${form} after`), name).to.equal('before [redacted] after');
    }
    // Distinct spellings really are different texts, so each case above tests something of its own.
    expect(new Set(Object.values(forms)).size).to.equal(Object.keys(forms).length);
  });

  it('finds the secret inside a longer base64 text, at every byte alignment (Basic id:secret)', () => {
    for (const id of ['a', 'ab', 'abc', 'roster-test']) {
      const header = `Authorization: Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
      const scrubbed = scrub(secret, header);
      expect(scrubbed, id).to.include('[redacted]');
      // What is left of the base64 text can no longer hold the secret: one partial character and the padding.
      const left = scrubbed.split('[redacted]')[1]!;
      expect(left.length, id).to.be.at.most(3);
    }
    // OAuth clients form-encode id and secret before base64 (RFC 6749 §2.3.1).
    const encoded = encodeURIComponent(secret)
      .replace(/[-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
    expect(scrub(secret, `Basic ${Buffer.from(`roster-test:${encoded}`).toString('base64')}`)).to.match(
      /^Basic [A-Za-z0-9+/]{10,16}\[redacted\][A-Za-z0-9+/=]{0,3}$/,
    );
    expect(base64Forms('abcdefgh').every((form) => form.length >= 10)).to.equal(true);
  });

  it('leaves text without the secret alone', () => {
    const text = 'bind to ldaps://dc1 failed: invalid credentials (wrong bind DN or password)';
    expect(scrub(secret, text)).to.equal(text);
  });

  it('a short secret is redacted as a whole value only: never an ordinary word of a message', () => {
    const word = 'wrong';
    const message = 'bind to ldaps://dc1 failed: invalid credentials (wrong bind DN or password)';
    expect(scrub(word, message)).to.equal(message);
    expect(scrub(word, 'error: wrong bind DN')).to.equal('error: wrong bind DN');
    expect(scrub(word, 'client_id=roster&client_secret=wrong&grant_type=client_credentials')).to.equal(
      'client_id=roster&client_secret=[redacted]&grant_type=client_credentials',
    );
    expect(scrub(word, '{"client_secret":"wrong"}')).to.equal('{"client_secret":"[redacted]"}');
    expect(scrub(word, '{\\"password\\": \\"wrong\\"}')).to.equal('{\\"password\\": \\"[redacted]\\"}');
    expect(scrub(word, 'password: wrong')).to.equal('password: [redacted]');
    expect(scrub(word, 'password=wrongful')).to.equal('password=wrongful');
    expect(scrub('p"w!', 'secret=p%22w%21')).to.equal('secret=[redacted]');
  });

  it('a long secret is redacted even inside a word', () => {
    expect(scrub('Passw0rd-42', 'xPassw0rd-42y')).to.equal('x[redacted]y');
  });

  it('redact() uses every registered secret, the longer one first', () => {
    registerSecret('unit-test-secret-one');
    registerSecret('unit-test-secret-one-and-more');
    expect(redact('a unit-test-secret-one-and-more b unit-test-secret-one c')).to.equal('a [redacted] b [redacted] c');
  });
});
