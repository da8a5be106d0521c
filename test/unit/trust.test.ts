// roster's TLS trust (src/platform/tls/trust.ts): a configured caFile is added to the default roots, for
// the directory and HTTPS alike, and never changes what other connections trust.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { makeCa, makeServerCert } from '../harness/certs.js';
import { ConfigError } from '../../src/platform/errors.js';
import { trustOptions } from '../../src/platform/tls/trust.js';

/** Whether a TLS handshake with `options` verifies the server's certificate. */
function verifies(port: number, options: ConnectionOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, host: '127.0.0.1', port, servername: 'localhost' });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('TLS trust and caFile', function () {
  this.timeout(60_000);
  const serverCa = makeCa('trust test server CA');
  const otherCa = makeCa('trust test other CA');
  const cert = makeServerCert(serverCa, 'server');
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('trusts the CA a caFile names, and only for the connections given it', async () => {
    expect(await verifies(port, trustOptions(serverCa.certFile, 'directory.caFile'))).to.equal(true);
    expect(await verifies(port, trustOptions(otherCa.certFile, 'directory.caFile'))).to.equal(false);
    expect(await verifies(port, trustOptions(undefined, 'directory.caFile'))).to.equal(false);
    // The default roots shared by every other connection did not gain the CA.
    expect(await verifies(port, {})).to.equal(false);
  });

  it('adds the caFile to the default roots rather than replacing them', async () => {
    // A child process whose default roots are the server's CA alone (--use-openssl-ca with
    // SSL_CERT_FILE), given a caFile naming another CA: with the roots replaced it would fail.
    const trustModule = fileURLToPath(new URL('../../src/platform/tls/trust.js', import.meta.url));
    const script = `import('${trustModule}').then(({ trustOptions }) => {
      const tls = require('node:tls');
      const socket = tls.connect({ ...trustOptions(process.argv[1], 'caFile'), host: '127.0.0.1', port: ${port}, servername: 'localhost' });
      socket.once('secureConnect', () => { console.log('verified'); socket.destroy(); });
      socket.once('error', (error) => { console.log(error.code); socket.destroy(); });
    })`;
    const run = (roots: string) =>
      new Promise<string>((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { ...process.env, SSL_CERT_FILE: roots, SSL_CERT_DIR: '/nonexistent' };
        delete env.NODE_EXTRA_CA_CERTS;
        execFile(process.execPath, ['--use-openssl-ca', '-e', script, otherCa.certFile], { env }, (error: Error | null, stdout) =>
          error ? reject(error) : resolve(stdout.trim()),
        );
      });
    expect(await run(serverCa.certFile)).to.equal('verified');
    expect(await run(otherCa.certFile)).to.not.equal('verified');
  });

  it('refuses a caFile that cannot be read or holds no certificate (exit 2, naming the key)', () => {
    expect(() => trustOptions('/nonexistent/ca.pem', 'ilobby main caFile')).to.throw(ConfigError, /ilobby main caFile cannot be read: ENOENT/);
    expect(() => trustOptions(cert.keyFile, 'directory.caFile')).to.throw(ConfigError, /directory\.caFile holds no PEM certificate/);
  });
});
