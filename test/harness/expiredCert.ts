// A server certificate whose validity ended in the past, for tests of how roster reports an
// expired certificate. OpenSSL 3.0's `x509 -req` only counts days forward from now; `openssl ca`
// takes explicit -startdate/-enddate, so the certificate is a normal one that simply expired.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateAuthority, ServerCertificate } from './certs.js';

const DAY_MS = 86_400_000;

/** YYMMDDHHMMSSZ, the UTCTime form `openssl ca -startdate/-enddate` takes. */
function utcTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
}

/** A certificate for `hosts`, signed by `ca`, valid from `daysAgoFrom` days ago until `daysAgoTo` days ago. */
export function makeExpiredServerCert(
  ca: CertificateAuthority,
  name: string,
  hosts: string[],
  daysAgoFrom = 40,
  daysAgoTo = 10,
): ServerCertificate & { notAfter: Date } {
  const dir = ca.dir;
  const base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const san = hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? `IP:${h}` : `DNS:${h}`)).join(',');
  writeFileSync(
    join(dir, `${base}.ext`),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  writeFileSync(join(dir, `${base}.index`), '');
  writeFileSync(join(dir, `${base}.serial`), `${Date.now().toString(16).padStart(16, '0')}\n`);
  writeFileSync(
    join(dir, `${base}.cnf`),
    [
      '[ ca ]',
      'default_ca = roster_test',
      '[ roster_test ]',
      `database = ${base}.index`,
      'new_certs_dir = .',
      `serial = ${base}.serial`,
      'default_md = sha256',
      'policy = any_name',
      'unique_subject = no',
      'copy_extensions = none',
      '[ any_name ]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${hosts[0] ?? name}`]);
  const now = Date.now();
  const notAfter = new Date(now - daysAgoTo * DAY_MS);
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    `${base}.cnf`,
    '-cert',
    ca.certFile,
    '-keyfile',
    ca.keyFile,
    '-in',
    `${base}.csr`,
    '-out',
    `${base}.pem`,
    '-extfile',
    `${base}.ext`,
    '-startdate',
    utcTime(new Date(now - daysAgoFrom * DAY_MS)),
    '-enddate',
    utcTime(notAfter),
  ]);
  const certFile = join(dir, `${base}.pem`);
  const chainFile = join(dir, `${base}-chain.pem`);
  execFileSync('sh', ['-c', `cat "${certFile}" "${ca.certFile}" > "${chainFile}"`]);
  return { certFile, keyFile: join(dir, `${base}.key`), chainFile, notAfter };
}
