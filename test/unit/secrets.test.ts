// Secret files as Windows editors write them: a byte order mark, CRLF, a blank line, trailing
// spaces or UTF-16 are not part of the secret; a control character inside it is refused.
import { expect } from 'chai';
import { secretFromFile } from '../../src/config/secrets.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('secretFromFile', () => {
  it('strips a UTF-8 byte order mark and every trailing line break, space and tab', () => {
    for (const text of ['\uFEFFPassw0rd-1', 'Passw0rd-1\n', '\uFEFFPassw0rd-1\r\n', 'Passw0rd-1\r\n\r\n', 'Passw0rd-1 \t\r\n \n']) {
      expect(secretFromFile(bytes(text)), JSON.stringify(text)).to.deep.equal({ value: 'Passw0rd-1' });
    }
  });

  it("reads UTF-16 with a byte order mark (PowerShell 5's > and Out-File)", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Pässw0rd-1\r\n', 'utf16le')]);
    expect(secretFromFile(utf16)).to.deep.equal({ value: 'Pässw0rd-1' });
  });

  it('keeps spaces inside and before the secret', () => {
    expect(secretFromFile(bytes('  two words\n'))).to.deep.equal({ value: '  two words' });
  });

  it('refuses a control character inside, an empty file and text that is not UTF-8, never quoting the secret', () => {
    for (const text of ['Qx7-one\nQx7-two\n', 'Qx7\there', 'Qx7\0x', 'Qx7\x1b[0m']) {
      const result = secretFromFile(bytes(text));
      expect(result, JSON.stringify(text))
        .to.have.property('problem')
        .that.matches(/control character/);
      expect(JSON.stringify(result)).not.to.include(text.slice(0, 3));
    }
    expect(secretFromFile(bytes('\uFEFF\r\n'))).to.deep.equal({ problem: 'is empty' });
    expect(secretFromFile(Buffer.from([0x50, 0xe4, 0x73, 0x73]))).to.deep.equal({ problem: 'is not UTF-8 text' });
  });
});
