import { expect } from 'chai';
import { InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError, TimeLimitExceededError } from 'ldapts';
import { DEFAULT_AD_FILTER } from '../../src/config/types.js';
import { binaryAsText, guidText, isBinaryAttribute, isUndecodable, sidText } from '../../src/directory/binary.js';
import { connectFailure, describeAdBindFailure, searchFailure } from '../../src/directory/failures.js';
import { adExpiredCheck } from '../../src/directory/accountState.js';
import { checkedFilter, combineFilters, escapeFilterValue, fileTime, filterAttributes, inChainClause, withoutClauses } from '../../src/directory/filter.js';
import { ConfigError } from '../../src/platform/errors.js';

describe('filter building', () => {
  it('checks the filter and gives it its parentheses', () => {
    expect(checkedFilter(DEFAULT_AD_FILTER, 'directory.filter', 'config.json')).to.equal(DEFAULT_AD_FILTER);
    expect(checkedFilter('objectClass=inetOrgPerson', 'directory.filter', 'config.json')).to.equal('(objectClass=inetOrgPerson)');
  });

  it('restricts to nested members of one or several groups, escaping the DNs', () => {
    expect(combineFilters('(objectClass=user)', [inChainClause(['CN=Visitor Hosts,OU=Groups,DC=corp'])], 'directory.memberOf', 'config.json')).to.equal(
      '(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=CN=Visitor Hosts,OU=Groups,DC=corp))',
    );
    expect(combineFilters('(objectClass=user)', [inChainClause(['CN=A (old),DC=x', 'CN=B*,DC=x'])], 'directory.memberOf', 'config.json')).to.equal(
      '(&(objectClass=user)(|(memberOf:1.2.840.113556.1.4.1941:=CN=A \\28old\\29,DC=x)(memberOf:1.2.840.113556.1.4.1941:=CN=B\\2a,DC=x)))',
    );
  });

  it('adds a clause once: the default AD filter already leaves out disabled accounts', () => {
    const disabled = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
    expect(combineFilters(DEFAULT_AD_FILTER, [disabled], 'directory.filter', 'config.json')).to.equal(DEFAULT_AD_FILTER);
    expect(combineFilters('(objectClass=user)', [disabled], 'directory.filter', 'config.json')).to.equal(`(&(objectClass=user)${disabled})`);
    expect(withoutClauses(DEFAULT_AD_FILTER, [disabled])).to.equal('(&(objectCategory=person)(objectClass=user))');
    expect(withoutClauses('(objectClass=user)', [disabled])).to.equal('(objectClass=user)');
  });

  it('leaves out expired accounts by accountExpires (a FILETIME), keeping "never" (0 and 2^63-1)', () => {
    expect(fileTime(new Date('1601-01-01T00:00:00Z'))).to.equal('0');
    expect(fileTime(new Date('2026-01-01T00:00:00Z'))).to.equal('134116992000000000');
    const expired = adExpiredCheck(new Date('2026-01-01T00:00:00Z'));
    expect(combineFilters('(objectClass=user)', [expired.keep!], 'directory.filter', 'config.json')).to.equal(
      '(&(objectClass=user)(|(!(accountExpires=*))(accountExpires=0)(accountExpires=9223372036854775807)(accountExpires>=134116992000000000)))',
    );
  });

  it('lists the attributes a filter names, extensible matches included', () => {
    expect(filterAttributes(DEFAULT_AD_FILTER)).to.deep.equal(['objectCategory', 'objectClass', 'userAccountControl']);
    expect(filterAttributes('(|(mail=*)(sn=a*b)(cn:dn:2.4.8.10:=x)(:dn:2.4.8.10:=y)(!(nsAccountLocked=true)))')).to.deep.equal([
      'mail',
      'sn',
      'cn',
      'nsAccountLocked',
    ]);
  });

  it('escapes the RFC 4515 specials', () => {
    expect(escapeFilterValue('a*b(c)d\\e\u0000')).to.equal('a\\2ab\\28c\\29d\\5ce\\00');
  });

  it('refuses a malformed filter as a config fault (exit 2), naming the config key', () => {
    const check = (filter: string) => () => checkedFilter(filter, 'directory.filter', 'config.json');
    expect(check('(&(objectClass=user)(sn=x)')).to.throw(ConfigError, /directory\.filter is malformed: 1 "\(" without a matching "\)"/);
    expect(check('(objectClass=user))')).to.throw(ConfigError, /closing "\)" at position 19/);
    expect(check('(objectClass=user)(sn=x)')).to.throw(ConfigError, /text after the filter/);
    expect(check('(&(objectClass=user)(sn=x))')).not.to.throw();
  });
});

describe('directory failures', () => {
  it('decodes Active Directory bind sub-codes', () => {
    expect(describeAdBindFailure('80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839')).to.equal(
      'invalid credentials (wrong bind DN or password) (AD code 52e)',
    );
    expect(describeAdBindFailure('... data 775, v4563')).to.equal('the account is locked out (AD code 775)');
    expect(describeAdBindFailure('... data 533, v4563')).to.equal('the account is disabled (AD code 533)');
    expect(describeAdBindFailure('invalid credentials')).to.equal(undefined);
  });

  it('turns errors into exit-3 errors that say what to try', () => {
    const bind = connectFailure('ldaps://dc1', new InvalidCredentialsError('80090308: LdapErr: DSID, data 701, v1'), undefined);
    expect(bind.exitCode).to.equal(3);
    expect(bind.message).to.equal('bind to ldaps://dc1 failed: the account has expired (AD code 701)');
    const cert = connectFailure(
      'ldaps://dc1',
      Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      undefined,
    );
    expect(cert.message).to.match(/certificate of ldaps:\/\/dc1 was not accepted/);
    expect(cert.hint).to.match(/directory\.caFile/);
    const refused = connectFailure('ldaps://dc1', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), undefined);
    expect(refused.message).to.equal('cannot reach ldaps://dc1: ECONNREFUSED');
    expect(searchFailure('ldaps://dc1', 'OU=Gone', new NoSuchObjectError('no such object'), 120).message).to.equal(
      'search base "OU=Gone" does not exist on ldaps://dc1',
    );
    expect(searchFailure('ldaps://dc1', 'OU=S', new SizeLimitExceededError('size'), 120).message).to.match(/size limit; the extract would be partial/);
    // The hint names the fix on the server found: a smaller page lifts none of these limits.
    const sizeHint = (server: 'openldap' | '389ds' | 'ad' | 'other') =>
      searchFailure('ldaps://dc1', 'OU=S', new SizeLimitExceededError('size'), 120, server).hint;
    expect(sizeHint('openldap')).to.include('limits dn.exact="<bind DN>" size.prtotal=unlimited');
    expect(sizeHint('389ds')).to.include('nsPagedSizeLimit: -1');
    expect(sizeHint('ad')).to.include('MaxPageSize');
    expect(sizeHint('other')).not.to.include('pageSize');
    expect(searchFailure('ldaps://dc1', 'OU=S', new TimeLimitExceededError('time'), 120, 'openldap').hint).to.include('time=unlimited');
    expect(searchFailure('ldaps://dc1', 'OU=S', new Error('SearchRequest: Operation timed out'), 120).message).to.match(/did not finish within 120 s/);
  });
});

describe('binary attributes', () => {
  it('renders GUIDs and SIDs in their standard text form and nothing else', () => {
    // The bytes AD stores for {6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b}: first three groups little-endian.
    const guid = Buffer.from('9c2b7e6f1d3a5f4e8a9b0c1d2e3f4a5b', 'hex');
    expect(guidText(guid)).to.equal('6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b');
    // S-1-5-21-1-2-3-500
    const sid = Buffer.from('010500000000000515000000010000000200000003000000f4010000', 'hex');
    expect(sidText(sid)).to.equal('S-1-5-21-1-2-3-500');
    expect(binaryAsText('objectguid', guid)).to.equal('6f7e2b9c-3a1d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(binaryAsText('thumbnailphoto', Buffer.from([0xff, 0xd8, 0xff]))).to.equal(undefined);
    expect(isUndecodable(Buffer.from([0x41, 0xff, 0x42]).toString('utf8'))).to.equal(true);
    expect(isUndecodable('Zoë')).to.equal(false);
  });

  it('knows a binary attribute by its name in any case, with options, or by the ;binary option', () => {
    expect(
      ['objectGUID', 'OBJECTSID', 'thumbnailphoto', 'jpegPhoto;x-small', 'userCertificate;binary', 'cn;binary'].filter((name) => !isBinaryAttribute(name)),
    ).to.deep.equal([]);
    expect(['mail', 'cn;lang-fr', 'sAMAccountName', 'binary', 'description;x-binary'].filter(isBinaryAttribute)).to.deep.equal([]);
  });
});
