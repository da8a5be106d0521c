// Throwaway certificate authorities and server certificates, made with openssl at test time,
// so every TLS path in the tests is verified against a CA exactly as in production.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateAuthority {
  dir: string;
  certFile: string;
  keyFile: string;
}

export interface ServerCertificate {
  certFile: string;
  keyFile: string;
  /** Certificate followed by the CA certificate, for servers that want a chain file. */
  chainFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A new CA in its own temporary folder. `name` only shows up in the certificate subject. */
export function makeCa(name = 'roster test CA', parentDir?: string): CertificateAuthority {
  const dir = parentDir ? join(parentDir, 'ca') : mkdtempSync(join(tmpdir(), 'roster-ca-'));
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { dir, certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
}

/** A server certificate signed by `ca` for the given host names and IP addresses. */
export function makeServerCert(ca: CertificateAuthority, name: string, hosts: string[] = ['localhost', '127.0.0.1']): ServerCertificate {
  const dir = ca.dir;
  const base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const san = hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? `IP:${h}` : `DNS:${h}`)).join(',');
  const ext = join(dir, `${base}.ext`);
  writeFileSync(
    ext,
    [`subjectAltName=${san}`, 'basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', ''].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${hosts[0] ?? name}`], dir);
  const validity = ['-days', '2'];
  openssl(
    ['x509', '-req', '-in', `${base}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', `${base}.pem`, '-extfile', ext, ...validity],
    dir,
  );
  const certFile = join(dir, `${base}.pem`);
  const chainFile = join(dir, `${base}-chain.pem`);
  execFileSync('sh', ['-c', `cat "${certFile}" "${ca.certFile}" > "${chainFile}"`]);
  return { certFile, keyFile: join(dir, `${base}.key`), chainFile };
}
