// roster's directory search uses ldapts members that ldapts does not export (see
// src/directory/ldapts/internals.ts). This fails loudly when an ldapts upgrade removes them, so
// the upgrade is caught here and not by a user's nightly run.
import { expect } from 'chai';
import { Client } from 'ldapts';
import { ldaptsInternals } from '../../src/directory/ldapts/internals.js';

describe('the ldapts internals roster uses', () => {
  it('are all on the installed ldapts Client', () => {
    // No connection is made: the members exist from construction on.
    const client = new Client({ url: 'ldap://127.0.0.1:9' });
    const internals = ldaptsInternals(client);
    expect(internals.nextMessageId()).to.be.a('number');
    expect(internals.nextMessageId()).to.not.equal(internals.nextMessageId());
    expect(typeof internals.parser.read).to.equal('function');
    expect(typeof internals.send).to.equal('function');
  });

  it('are named when missing, with what to do', () => {
    expect(() => ldaptsInternals({ _send: () => undefined } as unknown as Client)).to.throw(
      "this ldapts version lacks what roster's directory search uses (_nextMessageId(), messageParser.read(), messageDetailsByMessageId); install the version in package-lock.json",
    );
  });
});
