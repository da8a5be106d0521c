// directory.accountState on each kind of server, and the server told from its root DSE.
import { expect } from 'chai';
import { AccountStateMismatch, dayNumber, planAccountState, shadowExpired } from '../../src/directory/accountState.js';
import { identifyServer, type DirectoryServer } from '../../src/directory/rootDse.js';
import { AttributeTypes } from '../../src/mapping/attributeNames.js';

const root = (values: Record<string, string[]>) => new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
const NOW = new Date('2026-06-01T12:00:00Z');

describe('the server, from its root DSE', () => {
  it('tells Active Directory from Samba AD by vendorName', () => {
    expect(identifyServer(root({ supportedCapabilities: ['1.2.840.113556.1.4.800'], schemaNamingContext: ['CN=Schema,CN=Configuration,DC=corp'] }))).to.include(
      {
        kind: 'ad',
        name: 'Active Directory',
        schemaNamingContext: 'CN=Schema,CN=Configuration,DC=corp',
      },
    );
    expect(
      identifyServer(
        root({ supportedCapabilities: ['1.2.840.113556.1.4.800'], vendorName: ['Samba Team (https://www.samba.org)'], vendorVersion: ['4.17.12-Debian'] }),
      ),
    ).to.include({
      kind: 'samba',
      name: 'Samba AD 4.17.12-Debian',
    });
  });

  it('names 389 Directory Server and Red Hat DS from vendorVersion', () => {
    expect(
      identifyServer(root({ vendorName: ['389 Project'], vendorVersion: ['389-Directory/2.3.1 B2025.016.1616'], subschemaSubentry: ['cn=schema'] })),
    ).to.include({
      kind: '389ds',
      name: '389 Directory Server 2.3.1',
      subschemaSubentry: 'cn=schema',
    });
    expect(identifyServer(root({ vendorVersion: ['Red Hat-Directory/12.2.0 B2023'] })).name).to.equal('Red Hat Directory Server 12.2.0');
  });

  it("knows OpenLDAP by its root DSE's class, and ppolicy by its control", () => {
    const plain = identifyServer(root({ objectClass: ['top', 'OpenLDAProotDSE'], supportedControl: ['1.2.840.113556.1.4.319'] }));
    expect(plain).to.include({ kind: 'openldap', ppolicy: false, name: 'OpenLDAP without ppolicy' });
    const ppolicy = identifyServer(root({ objectClass: ['OpenLDAProotDSE'], supportedControl: ['1.3.6.1.4.1.42.2.27.8.5.1'] }));
    expect(ppolicy).to.include({ kind: 'openldap', ppolicy: true, name: 'OpenLDAP with ppolicy' });
  });

  it('calls anything else other LDAP, with its vendor when it says', () => {
    expect(identifyServer(root({ vendorName: ['Example Corp'], vendorVersion: ['DirX 9'] })).kind).to.equal('other');
    expect(identifyServer(root({})).name).to.include('an LDAP server');
  });
});

describe('directory.accountState', () => {
  const server = (kind: DirectoryServer['kind'], ppolicy = false): DirectoryServer => ({
    kind,
    name: `${kind} server`,
    ppolicy,
    schemaNamingContext: undefined,
    subschemaSubentry: undefined,
    namingContexts: [],
  });
  const schema = (...names: string[]) => AttributeTypes.ofNames(['cn', ...names]);
  const rules = (setting: Parameters<typeof planAccountState>[0], on: DirectoryServer, types?: AttributeTypes, excludeExpired = false) =>
    planAccountState(setting, on, { excludeExpired, now: NOW, schema: types }).checks.map((check) => check.label);

  it('auto takes the rules of the server found, and shadowExpire wherever the schema has it', () => {
    expect(rules('auto', server('samba'))).to.deep.equal(['disabled (userAccountControl)']);
    expect(rules('auto', server('389ds'), schema('nsAccountLock', 'shadowExpire'))).to.deep.equal(['locked (nsAccountLock)', 'expired (shadowExpire)']);
    expect(rules('auto', server('openldap', true), schema('pwdAccountLockedTime', 'shadowExpire'))).to.deep.equal([
      'locked (pwdAccountLockedTime 000001010000Z)',
      'expired (shadowExpire)',
    ]);
    expect(rules('auto', server('openldap'), schema('shadowExpire'))).to.deep.equal(['expired (shadowExpire)']);
    expect(rules('auto', server('other'), schema())).to.deep.equal([]);
    // A schema that could not be read: the root DSE decides.
    expect(rules('auto', server('openldap', true))).to.deep.equal(['locked (pwdAccountLockedTime 000001010000Z)', 'expired (shadowExpire)']);
  });

  it('applies lock rules as filter clauses and shadowExpire by roster', () => {
    const plan = planAccountState('auto', server('openldap', true), {
      excludeExpired: false,
      now: NOW,
      schema: schema('pwdAccountLockedTime', 'shadowExpire'),
    });
    expect(plan.checks[0]).to.include({ keep: '(!(pwdAccountLockedTime=000001010000Z))', leftOut: '(pwdAccountLockedTime=000001010000Z)' });
    expect(plan.checks[1]).to.include({ attribute: 'shadowExpire' }).and.not.to.have.property('keep');
    expect(plan.description).to.equal(
      'openldap server, accountState auto: left out: locked (pwdAccountLockedTime 000001010000Z) by the server, expired (shadowExpire) by roster',
    );
    expect(planAccountState('none', server('389ds'), { excludeExpired: false, now: NOW, schema: undefined }).description).to.include(
      'only directory.filter decides',
    );
  });

  it('refuses a rule the server does not have, naming the server', () => {
    expect(() => rules('ad', server('openldap'))).to.throw(AccountStateMismatch, '"ad" reads userAccountControl, which openldap server does not have');
    expect(() => rules('ppolicy', server('openldap'), schema('shadowExpire'))).to.throw(AccountStateMismatch, /"ppolicy" reads pwdAccountLockedTime/);
    expect(() => rules('389ds', server('openldap'))).to.throw(AccountStateMismatch, /"389ds" reads nsAccountLock/);
    expect(rules('389ds', server('other'), schema('nsAccountLock'))).to.deep.equal(['locked (nsAccountLock)']);
  });

  it("excludeExpired: AD's accountExpires, shadowExpire elsewhere, refused where neither exists", () => {
    expect(rules('auto', server('ad'), undefined, true)).to.deep.equal(['disabled (userAccountControl)', 'expired (accountExpires)']);
    expect(rules('none', server('openldap'), schema('shadowExpire'), true)).to.deep.equal(['expired (shadowExpire)']);
    expect(() => rules('auto', server('other'), schema(), true)).to.throw(
      AccountStateMismatch,
      /accountExpires, or shadowExpire on other servers; other server has neither/,
    );
  });

  it('judges shadowExpire in days since 1970: from that day on, and never for 0, -1 or junk', () => {
    const today = dayNumber(NOW);
    expect(today).to.equal(20605);
    expect(shadowExpired([String(today)], today)).to.equal(true);
    expect(shadowExpired([String(today - 1)], today)).to.equal(true);
    expect(shadowExpired([String(today + 1)], today)).to.equal(false);
    expect(shadowExpired(['-1', '0', ' ', 'soon', '1.5'], today)).to.equal(false);
    expect(shadowExpired([], today)).to.equal(false);
  });
});
