// The pure parts of the Kerberos bind: the TLS channel binding (RFC 5929) of real certificates
// signed with each kind of hash, how failures are sorted into what to try, the SPN and the
// credential source a bind will use, and the serverSaslCreds read from a BindResponse's bytes.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endPointHash, tlsServerEndPoint } from '../../src/directory/kerberos/channelBinding.js';
import { directoryRefusal, gssProblem, KerberosError, sspiProblem } from '../../src/directory/kerberos/failures.js';
import { oidBytes, oidText } from '../../src/directory/kerberos/oid.js';
import { credentialSource, servicePrincipal } from '../../src/directory/kerberos/plan.js';
import { bindResponseCredentials } from '../../src/directory/ldapts/saslBind.js';

const dir = mkdtempSync(join(tmpdir(), 'roster-cb-'));

/** A self-signed certificate (DER) made by openssl with these key and signature options. */
function certificate(name: string, keyOptions: string[], signOptions: string[]): Buffer {
  const key = join(dir, `${name}.key`);
  const pem = join(dir, `${name}.pem`);
  execFileSync('openssl', ['genpkey', ...keyOptions, '-out', key], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-out', pem, '-days', '1', '-subj', `/CN=${name}`, ...signOptions], { stdio: 'ignore' });
  return new X509Certificate(readFileSync(pem)).raw;
}

describe('Kerberos: TLS channel binding (tls-server-end-point, RFC 5929)', () => {
  const rsa = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const cases: Array<[string, string[], string[], string]> = [
    ['sha256-rsa', rsa, ['-sha256'], 'sha256'],
    ['sha384-rsa', rsa, ['-sha384'], 'sha384'],
    ['sha512-rsa', rsa, ['-sha512'], 'sha512'],
    ['sha1-rsa', rsa, ['-sha1'], 'sha256'],
    ['sha384-ecdsa', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384'], 'sha384'],
    ['sha384-pss', rsa, ['-sha384', '-sigopt', 'rsa_padding_mode:pss'], 'sha384'],
    ['ed25519', ['-algorithm', 'ED25519'], [], 'sha256'],
  ];
  for (const [name, keyOptions, signOptions, hash] of cases) {
    it(`hashes a certificate signed with ${name} with ${hash}`, () => {
      const der = certificate(name, keyOptions, signOptions);
      expect(endPointHash(der)).to.equal(hash);
      expect(tlsServerEndPoint(der).toString('hex')).to.equal(
        Buffer.concat([Buffer.from('tls-server-end-point:'), createHash(hash).update(der).digest()]).toString('hex'),
      );
    });
  }

  it('object identifiers round-trip between text and bytes', () => {
    for (const oid of ['1.2.840.113554.1.2.2', '1.3.6.1.5.5.2', '1.2.752.43.13.29', '2.16.840.1.101.3.4.2.1']) expect(oidText(oidBytes(oid))).to.equal(oid);
    expect(oidBytes('1.2.840.113554.1.2.2').toString('hex')).to.equal('2a864886f712010202');
  });
});

describe('Kerberos: what a bind uses', () => {
  const kerberos = { mechanism: 'GSS-SPNEGO' as const, spn: undefined, keytabFile: undefined };

  it('binds to ldap/<host of each URL> unless directory.kerberos.spn names one', () => {
    expect(servicePrincipal('ldaps://dc1.corp.example.com:636', kerberos)).to.equal('ldap/dc1.corp.example.com');
    expect(servicePrincipal('ldap://DC2.corp.example.com', kerberos)).to.equal('ldap/dc2.corp.example.com');
    expect(servicePrincipal('ldaps://10.0.0.5', { ...kerberos, spn: 'ldap/dc1.corp.example.com' })).to.equal('ldap/dc1.corp.example.com');
  });

  it('takes KRB5_CLIENT_KTNAME, then keytabFile, then the ticket cache on Linux; SSPI on Windows', () => {
    const withKeytab = { ...kerberos, keytabFile: '/etc/roster/roster.keytab' };
    expect(credentialSource(withKeytab, 'linux', { KRB5_CLIENT_KTNAME: '/run/credentials/x/roster.keytab' })).to.deep.include({
      kind: 'keytab',
      keytab: '/run/credentials/x/roster.keytab',
    });
    expect(credentialSource(withKeytab, 'linux', {})).to.deep.include({
      kind: 'keytab',
      text: 'keytab /etc/roster/roster.keytab (directory.kerberos.keytabFile)',
    });
    expect(credentialSource(kerberos, 'linux', { KRB5CCNAME: 'FILE:/tmp/cc' }).text).to.equal('ticket cache FILE:/tmp/cc (KRB5CCNAME)');
    expect(credentialSource(withKeytab, 'win32', { KRB5_CLIENT_KTNAME: 'x' }).kind).to.equal('sspi');
  });
});

describe('Kerberos: failures sorted into what to try', () => {
  it("reads MIT's codes, and its words where the code is not one roster knows", () => {
    expect(gssProblem(0xd0000, 2529638919, 'Server not found in Kerberos database')).to.equal('spn-unknown');
    expect(gssProblem(0xd0000, 2529638949, '')).to.equal('clock-skew');
    expect(gssProblem(0xd0000, 2529639068, '')).to.equal('kdc-unreachable');
    expect(gssProblem(0x70000, 0, 'No credentials were supplied')).to.equal('no-credentials');
    expect(gssProblem(0xd0000, 1, 'SPNEGO cannot find mechanisms to negotiate')).to.equal('no-credentials');
    expect(gssProblem(0xd0000, 1, "Key table file '/x' not found")).to.equal('keytab');
    expect(gssProblem(0xd0000, 1, 'something new')).to.equal('library');
  });

  it("reads SSPI's statuses", () => {
    expect(sspiProblem(0x8009030e | 0)[0]).to.equal('no-credentials');
    expect(sspiProblem(0x80090303 | 0)[0]).to.equal('spn-unknown');
    expect(sspiProblem(0x80090324 | 0)[0]).to.equal('clock-skew');
    expect(sspiProblem(0x80090311 | 0)[0]).to.equal('kdc-unreachable');
    expect(sspiProblem(0x12345678)[1]).to.equal('SSPI error 0x12345678');
  });

  it("reads Active Directory's refusal of the channel binding from its diagnostic message, with what to try", () => {
    const error = directoryRefusal('ldaps://dc1', 49, '80090346: LdapErr: DSID-0C0906B5, comment: AcceptSecurityContext error, data 80090346, v4563');
    expect(error).to.be.instanceOf(KerberosError);
    expect(error.exitCode).to.equal(3);
    expect(error.problem).to.equal('channel-binding');
    expect(error.message).to.include('SEC_E_BAD_BINDINGS');
    expect(error.hint).to.include('presents its own certificate');
    expect(error.sameEverywhere).to.equal(false);
    expect(directoryRefusal('ldaps://dc1', 8, 'Sign or Seal are not allowed if TLS is used').problem).to.equal('directory-refused');
  });
});

describe("SASL bind: the server's credentials read from the BindResponse's bytes", () => {
  // LDAPMessage { 7, BindResponse { saslBindInProgress, "", "", serverSaslCreds [7] ff 00 c3 } }: not UTF-8.
  const response = Buffer.from(['3011', '020107', '610c', '0a010e', '0400', '0400', '8703ff00c3'].join(''), 'hex');

  it('gives the bytes exactly, only for the response to the request asked about', () => {
    expect(bindResponseCredentials(response, 0, response.length, 7)?.toString('hex')).to.equal('ff00c3');
    expect(bindResponseCredentials(response, 0, response.length, 8)).to.equal(null);
  });

  it('says when a response has none, and ignores other messages', () => {
    const none = Buffer.from(['300c', '020102', '6107', '0a0100', '0400', '0400'].join(''), 'hex');
    expect(bindResponseCredentials(none, 0, none.length, 2)).to.equal(undefined);
    const search = Buffer.from('300c02010265070a010004000400', 'hex');
    expect(bindResponseCredentials(search, 0, search.length, 2)).to.equal(null);
  });
});
