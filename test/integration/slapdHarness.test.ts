// The slapd harness itself, checked with OpenLDAP's own ldapsearch: what later roster tests
// rely on (TLS both ways, the service account, the ACL, size limits, paging) is true.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { expect } from 'chai';
import { requireBinary } from '../harness/daemon.js';
import {
  ALL_PEOPLE,
  DUPLICATE_EMAILS,
  EXPECTED_CSV_FILE,
  EXPECTED_ROWS,
  FILTER,
  PEOPLE_IN_BASE,
  PEOPLE_LDIF_FILE,
  SEARCH_BASE,
  SKIPPED_NO_EMAIL,
  expectedRoster,
  PEOPLE,
  smallFixtureLdif,
} from '../harness/ldap-fixture.js';
import { startSlapd, SLAPD, type SlapdDirectory } from '../harness/slapd.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command, asynchronously (never block the event loop while a harness daemon runs). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function ldapsearch(args: string[], caFile?: string): Promise<Run> {
  return run('ldapsearch', args, { ...process.env, LDAPTLS_REQCERT: 'demand', ...(caFile ? { LDAPTLS_CACERT: caFile } : {}) });
}

function asService(dir: SlapdDirectory, url: string, extra: string[] = []): string[] {
  return ['-x', '-LLL', '-H', url, '-D', dir.bindDn, '-w', dir.bindPassword, ...extra];
}

const peopleSearch = (dir: SlapdDirectory, url: string, extra: string[] = []) => asService(dir, url, [...extra, '-b', SEARCH_BASE, '-s', 'sub', FILTER, '1.1']);

const countDns = (ldif: string) => ldif.split('\n').filter((l) => l.startsWith('dn:') || l.startsWith('dn::')).length;

/** Attribute values of `ldapsearch -LLL` output, base64 decoded (one entry, folded lines joined). */
function values(ldif: string, attribute: string): string[] {
  const lines = ldif.replace(/\n /g, '').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith(`${attribute}:: `)) out.push(Buffer.from(line.slice(attribute.length + 3), 'base64').toString('utf8'));
    else if (line.startsWith(`${attribute}: `)) out.push(line.slice(attribute.length + 2));
  }
  return out;
}

describe('generic LDAP fixture files', () => {
  it('are what test/harness/ldap-fixture.ts generates (run node dist/test/harness/ldap-fixture.js)', () => {
    expect(readFileSync(PEOPLE_LDIF_FILE, 'utf8')).to.equal(smallFixtureLdif());
    expect(readFileSync(EXPECTED_CSV_FILE, 'utf8')).to.equal(expectedRoster(PEOPLE).csv);
  });

  it('expected CSV: header, LF, no BOM, one row per kept person', () => {
    const csv = readFileSync(EXPECTED_CSV_FILE);
    expect(csv.subarray(0, 3).toString('hex')).to.not.equal('efbbbf');
    const text = csv.toString('utf8');
    expect(text.startsWith('FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE\n')).to.equal(true);
    expect(text).to.not.include('\r');
    expect(text.endsWith('\n')).to.equal(true);
    expect(EXPECTED_ROWS).to.equal(PEOPLE_IN_BASE - SKIPPED_NO_EMAIL - DUPLICATE_EMAILS);
    expect([PEOPLE_IN_BASE, EXPECTED_ROWS, SKIPPED_NO_EMAIL, DUPLICATE_EMAILS]).to.deep.equal([72, 66, 4, 2]);
  });
});

describe('slapd harness', function () {
  let dir: SlapdDirectory;

  before(async function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
    requireBinary(this, '/usr/bin/ldapsearch', 'ldap-utils');
    dir = await startSlapd();
  });

  after(async () => {
    await dir?.stop();
  });

  it('serves the fixture over LDAPS to the service account', async () => {
    const r = await ldapsearch(peopleSearch(dir, dir.ldapsUrl), dir.caFile);
    expect(r.code, r.stderr).to.equal(0);
    expect(countDns(r.stdout)).to.equal(PEOPLE_IN_BASE);
  });

  it('serves the fixture over LDAP + StartTLS (-ZZ) to the service account', async () => {
    const r = await ldapsearch(peopleSearch(dir, dir.ldapUrl, ['-ZZ']), dir.caFile);
    expect(r.code, r.stderr).to.equal(0);
    expect(countDns(r.stdout)).to.equal(PEOPLE_IN_BASE);
  });

  it('presents a certificate for localhost and 127.0.0.1 from caFile, over TLS 1.2+', async () => {
    // Checked with Node's TLS (what roster uses): libldap's ldapsearch swaps "localhost" for the
    // machine's host name before checking the certificate, so it cannot test the localhost SAN.
    const handshake = (servername: string, ca?: Buffer) =>
      new Promise<string>((resolve, reject) => {
        // No SNI for an IP address (RFC 6066); Node then checks the IP against the certificate.
        const sni = /^[\d.]+$/.test(servername) ? {} : { servername };
        const socket = connect({ host: '127.0.0.1', port: dir.ldapsPort, ...sni, ...(ca ? { ca } : {}) }, () => {
          const protocol = socket.getProtocol() ?? '';
          socket.destroy();
          resolve(protocol);
        });
        socket.once('error', reject);
      });
    const ca = readFileSync(dir.caFile);
    expect(await handshake('localhost', ca)).to.match(/^TLSv1\.[23]$/);
    expect(await handshake('127.0.0.1', ca)).to.match(/^TLSv1\.[23]$/);
    let untrusted: unknown;
    await handshake('localhost').catch((err: unknown) => {
      untrusted = err;
    });
    // slapd (GnuTLS) sends its CA along, so Node sees a self-signed certificate in the chain
    expect((untrusted as { code?: string } | undefined)?.code).to.equal('SELF_SIGNED_CERT_IN_CHAIN');
    let wrongName: unknown;
    await handshake('dc1.example.org', ca).catch((err: unknown) => {
      wrongName = err;
    });
    expect((wrongName as { code?: string } | undefined)?.code).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses TLS 1.1', async () => {
    const connect = ['s_client', '-connect', `127.0.0.1:${dir.ldapsPort}`, '-CAfile', dir.caFile];
    const tls12 = await run('openssl', [...connect, '-tls1_2']);
    expect(tls12.code, tls12.stderr).to.equal(0);
    const tls11 = await run('openssl', [...connect, '-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
    expect(tls11.code).to.not.equal(0);
  });

  it('is not trusted by ldapsearch without caFile', async () => {
    const r = await ldapsearch(peopleSearch(dir, dir.ldapsUrl), '/etc/ssl/certs/ca-certificates.crt');
    expect(r.code).to.equal(255); // "Can't contact LDAP server": the handshake failed
  });

  it('has the whole directory, Former and non-people included', async () => {
    const r = await ldapsearch(asService(dir, dir.ldapsUrl, ['-b', dir.baseDn, FILTER, '1.1']), dir.caFile);
    expect(r.code, r.stderr).to.equal(0);
    expect(countDns(r.stdout)).to.equal(ALL_PEOPLE);
  });

  it('keeps values verbatim: blanks, newlines, non-Latin (roster must trim, not the server)', async () => {
    const padded = await ldapsearch(
      asService(dir, dir.ldapsUrl, ['-b', `uid=padded,${SEARCH_BASE}`, '-s', 'base', '(objectClass=*)', 'mail', 'givenName', 'mobile']),
      dir.caFile,
    );
    expect(padded.code, padded.stderr).to.equal(0);
    expect(values(padded.stdout, 'mobile')).to.deep.equal([' +1 416 555 0177 ']);
    expect(values(padded.stdout, 'mail')).to.deep.equal(['  Padded.Person@Example.org  ']);
    expect(values(padded.stdout, 'givenName')).to.deep.equal(['  Padded  ']);
    const newline = await ldapsearch(asService(dir, dir.ldapsUrl, ['-b', SEARCH_BASE, '(|(uid=newline)(uid=taro.yamada))', 'title']), dir.caFile);
    expect(values(newline.stdout, 'title').sort()).to.deep.equal(['Lead Engineer\nPlatform Team', 'エンジニア']);
  });

  it('lets anonymous bind but read nothing except the root DSE', async () => {
    const search = await ldapsearch(['-x', '-LLL', '-H', dir.ldapsUrl, '-b', SEARCH_BASE, FILTER, '1.1'], dir.caFile);
    expect(countDns(search.stdout)).to.equal(0);
    expect(search.code).to.equal(32); // noSuchObject: the ACL hides even the base
    const root = await ldapsearch(
      ['-x', '-LLL', '-H', dir.ldapsUrl, '-b', '', '-s', 'base', '(objectClass=*)', 'namingContexts', 'supportedControl'],
      dir.caFile,
    );
    expect(root.code, root.stderr).to.equal(0);
    expect(values(root.stdout, 'namingContexts')).to.deep.equal([dir.baseDn]);
    expect(values(root.stdout, 'supportedControl')).to.include('1.2.840.113556.1.4.319'); // paged results
  });

  it("does not hand the service account anybody's password", async () => {
    const r = await ldapsearch(asService(dir, dir.ldapsUrl, ['-b', dir.bindDn, '-s', 'base', '(objectClass=*)', '*']), dir.caFile);
    expect(r.code, r.stderr).to.equal(0);
    expect(values(r.stdout, 'cn')).to.deep.equal(['roster']);
    expect(values(r.stdout, 'userPassword')).to.deep.equal([]);
  });

  it('refuses a wrong password with invalidCredentials (49)', async () => {
    const r = await ldapsearch(['-x', '-H', dir.ldapsUrl, '-D', dir.bindDn, '-w', 'wrong', '-b', SEARCH_BASE, '1.1'], dir.caFile);
    expect(r.code).to.equal(49);
  });
});

describe('slapd harness lifecycle', function () {
  before(function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
  });

  it('stop() ends slapd and removes its folder; a second stop() is harmless', async () => {
    const d = await startSlapd();
    expect(existsSync(join(d.dir, 'slapd.conf'))).to.equal(true);
    expect(d.output()).to.include('slapd starting');
    await d.stop();
    await d.stop();
    expect(d.process.exitCode !== null || d.process.signalCode !== null).to.equal(true);
    expect(existsSync(d.dir)).to.equal(false);
  });

  it("reports a broken LDIF with slapadd's own message", async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'roster-ldif-'));
    try {
      const bad = join(scratch, 'bad.ldif');
      writeFileSync(bad, 'dn: uid=x,ou=Nowhere,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: x\ncn: x\nsn: x\n\n');
      let error: unknown;
      await startSlapd({ ldifFiles: [PEOPLE_LDIF_FILE, bad] }).catch((err: unknown) => {
        error = err;
      });
      expect(String(error)).to.match(/slapadd -l .*bad\.ldif exited with/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('slapd harness with a server-side size limit of 10', function () {
  let limited: SlapdDirectory | undefined;
  let adLike: SlapdDirectory | undefined;

  before(async function () {
    requireBinary(this, SLAPD, 'slapd ldap-utils');
    [limited, adLike] = await Promise.all([startSlapd({ sizeLimit: 10 }), startSlapd({ sizeLimit: 10, pagedSizeLimit: 'unlimited' })]);
  });

  after(async () => {
    await Promise.all([limited?.stop(), adLike?.stop()]);
  });

  it('cuts an unpaged search off at 10 entries with sizeLimitExceeded (ldapsearch exit 4)', async () => {
    const r = await ldapsearch(peopleSearch(limited!, limited!.ldapsUrl), limited!.caFile);
    expect(r.code).to.equal(4);
    expect(r.stderr + r.stdout).to.match(/Size limit exceeded/i);
    expect(countDns(r.stdout)).to.equal(10);
  });

  it('by default (size.prtotal = hard) also cuts a paged search off at 10 in total, with exit 4', async () => {
    const r = await ldapsearch(peopleSearch(limited!, limited!.ldapsUrl, ['-E', 'pr=5/noprompt']), limited!.caFile);
    expect(r.code).to.equal(4);
    expect(countDns(r.stdout)).to.equal(10);
  });

  it('with pagedSizeLimit unlimited (like AD) a paged search gets everything, an unpaged one still exits 4', async () => {
    const paged = await ldapsearch(peopleSearch(adLike!, adLike!.ldapsUrl, ['-E', 'pr=5/noprompt']), adLike!.caFile);
    expect(paged.code, paged.stderr).to.equal(0);
    expect(countDns(paged.stdout)).to.equal(PEOPLE_IN_BASE);
    const bigPages = await ldapsearch(peopleSearch(adLike!, adLike!.ldapsUrl, ['-E', 'pr=1000/noprompt']), adLike!.caFile);
    expect(bigPages.code, bigPages.stderr).to.equal(0);
    expect(countDns(bigPages.stdout)).to.equal(PEOPLE_IN_BASE);
    const plain = await ldapsearch(peopleSearch(adLike!, adLike!.ldapsUrl), adLike!.caFile);
    expect(plain.code).to.equal(4);
  });
});
