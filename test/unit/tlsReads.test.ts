// connectTls hands every read to 'data' listeners from one reused buffer: the bytes must arrive
// whole, in order, each chunk a copy that later reads do not overwrite, also when they come before
// anyone listens; the end of the connection must still be seen.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { expect } from 'chai';
import { connectTls } from '../../src/directory/tlsReads.js';
import { makeCa, makeServerCert } from '../harness/certs.js';

describe('TLS reads straight from Node (onread)', () => {
  const ca = makeCa('roster tlsReads test CA');
  const certificate = makeServerCert(ca, 'localhost', ['localhost', '127.0.0.1']);
  /** What the server sends: a greeting at once, then 300 small writes and one of 200 KB (many TLS records). */
  const greeting = Buffer.from('hello before anyone listens\n');
  const small = Array.from({ length: 300 }, (_, i) => Buffer.from(`message ${i} `.repeat(1 + (i % 7))));
  const large = Buffer.alloc(200_000, 0).map((_, i) => (i * 31) % 251);
  const expected = Buffer.concat([greeting, ...small, large]);
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer({ cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile), minVersion: 'TLSv1.2' }, (socket) => {
      socket.write(greeting);
      // The rest once the client has attached its listener and said so.
      const writeTheRest = async () => {
        for (const piece of small) {
          socket.write(piece);
          await new Promise((resolve) => setImmediate(resolve)); // separate records, not one coalesced write
        }
        socket.end(large);
      };
      socket.once('data', () => void writeTheRest());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  after(() => server.close());

  it('delivers every byte in order, as copies, and then the end', async () => {
    const socket: TLSSocket = connectTls(port, '127.0.0.1', { ca: readFileSync(ca.certFile), minVersion: 'TLSv1.2' });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    // Give the greeting time to arrive while nobody listens.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => socket.once('end', resolve).once('error', reject));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write('go');
    await ended;
    socket.destroy();
    // Kept chunks compared only now: had they been views of the reused read buffer, later reads
    // would have overwritten them.
    expect(chunks.length).to.be.greaterThan(10);
    expect(Buffer.concat(chunks).equals(expected)).to.equal(true);
  });
});
