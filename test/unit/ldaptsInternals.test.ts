// roster's directory search uses ldapts members that ldapts does not export (see
// src/directory/ldapts/internals.ts). This fails loudly when an ldapts upgrade removes them, so
// the upgrade is caught here and not by a user's nightly run.
import { expect } from 'chai';
import { Client } from 'ldapts';
import { ldaptsInternals, SaslBindRequest } from '../../src/directory/ldapts/internals.js';

describe('the ldapts internals roster uses', () => {
  it('are all on the installed ldapts Client', () => {
    // No connection is made: the members exist from construction on.
    const client = new Client({ url: 'ldap://127.0.0.1:9' });
    const internals = ldaptsInternals(client);
    expect(internals.nextMessageId()).to.be.a('number');
    expect(internals.nextMessageId()).to.not.equal(internals.nextMessageId());
    expect(typeof internals.parser.read).to.equal('function');
    expect(typeof internals.send).to.equal('function');
    expect(typeof internals.sendBind).to.equal('function');
    expect(typeof internals.connect).to.equal('function');
  });

  it("write a SASL BindRequest's credentials as bytes, through ldapts's Message#write()", () => {
    // A Kerberos token is binary: ldapts's own BindRequest would write it as UTF-8 text.
    const credentials = Buffer.from([0x60, 0xff, 0x00, 0x80]);
    const bytes = new SaslBindRequest(5, 'GSS-SPNEGO', credentials).write();
    // LDAPMessage { 5, BindRequest { 3, "", sasl [3] { "GSS-SPNEGO", credentials } } }
    const expected = ['301e', '020105', '6019', '020103', '0400', 'a312', '040a', Buffer.from('GSS-SPNEGO').toString('hex'), '0404', '60ff0080'].join('');
    expect(bytes.toString('hex')).to.equal(expected);
    expect(new SaslBindRequest(6, 'GSSAPI', undefined).write().toString('hex')).to.equal(
      ['3014', '020106', '600f', '020103', '0400', 'a308', '0406', Buffer.from('GSSAPI').toString('hex')].join(''),
    );
  });

  it('are named when missing, with what to do', () => {
    expect(() => ldaptsInternals({ _send: () => undefined } as unknown as Client)).to.throw(
      "this ldapts version lacks what roster's directory code uses (_connect(), _nextMessageId(), messageParser.read(), messageDetailsByMessageId); install the version in package-lock.json",
    );
  });
});
