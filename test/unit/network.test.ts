// One deadline per HTTPS attempt, whatever step stalls (connect, the proxy's CONNECT, the TLS
// handshake, the answer's body), and one time budget per push across its attempts and waits.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { silentLogger } from '../../src/platform/log/logger.js';
import { sendHttps, TransportError } from '../../src/platform/http/request.js';
import { attemptTimeoutMs, timeBudget, withRetries } from '../../src/platform/http/retry.js';
import { fakeClock } from '../harness/fakeClock.js';
import { makeCa, makeServerCert } from '../harness/certs.js';

describe("the push's time budget", () => {
  const policy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 500, totalBudgetMs: 1_000_000 };

  it("cuts each attempt's deadline to what is left, and tries nothing once it is spent", async () => {
    const clock = fakeClock();
    const budget = timeBudget(10, 'ilobby.timeoutSeconds', 0);
    const given: number[] = [];
    let thrown: unknown;
    try {
      await withRetries(
        'upload',
        async (left) => {
          given.push(attemptTimeoutMs(4000, left));
          await clock.sleep(attemptTimeoutMs(4000, left)); // each attempt runs into its deadline
          throw new TransportError('no answer', 'ETIMEDOUT');
        },
        silentLogger,
        policy,
        clock,
        budget,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(TransportError);
    expect((thrown as TransportError).message).to.equal("no answer; the push's time budget (ilobby.timeoutSeconds: 10 s) is spent");
    expect(given[0]).to.equal(4000);
    expect(given.length).to.equal(3);
    // The last attempt got only what was left, and the whole push ended on the budget, not after it.
    expect(given[given.length - 1]).to.be.below(4000);
    expect(clock.now()).to.equal(10_000);
  });

  it('does not start a request when the budget was spent before it (e.g. by the token request)', async () => {
    const clock = fakeClock();
    let calls = 0;
    let thrown: unknown;
    try {
      await withRetries(
        'upload to ilobby',
        () => {
          calls += 1;
          return Promise.resolve({ status: 200, headers: {}, body: Buffer.alloc(0) });
        },
        silentLogger,
        policy,
        clock,
        timeBudget(5, 'ilobby.timeoutSeconds', -6000),
      );
    } catch (error) {
      thrown = error;
    }
    expect(calls).to.equal(0);
    expect((thrown as TransportError).code).to.equal('ETIMEDOUT');
    expect((thrown as Error).message).to.equal("upload to ilobby could not start; the push's time budget (ilobby.timeoutSeconds: 5 s) is spent");
  });

  it('returns a 503 instead of waiting past the budget for a retry', async () => {
    const clock = fakeClock();
    let calls = 0;
    const response = await withRetries(
      'upload',
      () => {
        calls += 1;
        return Promise.resolve({ status: 503, headers: { 'retry-after': '30' }, body: Buffer.alloc(0) });
      },
      silentLogger,
      policy,
      clock,
      timeBudget(20, 'x', 0),
    );
    expect([response.status, calls, clock.waits.length]).to.deep.equal([503, 1, 0]);
  });
});

describe('one deadline for every step of an HTTPS attempt', function () {
  this.timeout(20_000);
  const servers: { close(): void }[] = [];
  const sockets = new Set<net.Socket>();
  after(() => {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
  });

  function listen(server: net.Server): Promise<number> {
    servers.push(server);
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  }
  async function timedOut(request: Promise<unknown>): Promise<{ error: TransportError; ms: number }> {
    const started = Date.now();
    try {
      await request;
    } catch (error) {
      return { error: error as TransportError, ms: Date.now() - started };
    }
    throw new Error('the request should have timed out');
  }
  const request = (port: number, timeoutMs: number, tls = {}) =>
    sendHttps({ url: new URL(`https://127.0.0.1:${port}/x`), method: 'GET', headers: {}, tls: { minVersion: 'TLSv1.2', ...tls }, timeoutMs }, {});

  it('a proxy that answers CONNECT and then says nothing: ends at the deadline, in the TLS handshake', async () => {
    const proxy = net.createServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')));
    const port = await listen(proxy);
    const { error, ms } = await timedOut(
      sendHttps(
        {
          url: new URL('https://service.example.invalid/upload'),
          method: 'POST',
          headers: {},
          body: () => Buffer.from('x'),
          tls: {},
          timeoutMs: 400,
        },
        { HTTPS_PROXY: `http://127.0.0.1:${port}` },
      ),
    );
    expect(error).to.be.instanceOf(TransportError);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.message).to.equal(
      `https://service.example.invalid (via proxy 127.0.0.1:${port}): no answer within 0.4 s (TLS handshake through the proxy 127.0.0.1:${port}) (ETIMEDOUT)`,
    );
    expect(ms).to.be.within(350, 1500);
  });

  it('a proxy that never answers CONNECT', async () => {
    const port = await listen(net.createServer(() => undefined));
    const { error } = await timedOut(
      sendHttps(
        { url: new URL('https://service.example.invalid/'), method: 'GET', headers: {}, tls: {}, timeoutMs: 300 },
        { HTTPS_PROXY: `127.0.0.1:${port}` },
      ),
    );
    expect(error.message).to.match(/no answer within 0\.3 s \(waiting for the proxy 127\.0\.0\.1:\d+ to answer CONNECT\) \(ETIMEDOUT\)$/);
  });

  it('a server that accepts the connection and never starts TLS', async () => {
    const port = await listen(net.createServer(() => undefined));
    const { error } = await timedOut(request(port, 300));
    expect(error.message).to.equal(`https://127.0.0.1:${port}: no answer within 0.3 s (TLS handshake) (ETIMEDOUT)`);
  });

  it('a server that sends the headers and then the body only a trickle at a time', async () => {
    const ca = makeCa('deadline test CA');
    const cert = makeServerCert(ca, 'deadline-server');
    const server = https.createServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // A byte every 100 ms: never idle long, never finished.
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    const port = await listen(server);
    const { error, ms } = await timedOut(request(port, 700, { ca: [...rootCertificates, readFileSync(ca.certFile, 'utf8')] }));
    expect(error.message).to.equal(`https://127.0.0.1:${port}: no answer within 0.7 s (reading the answer) (ETIMEDOUT)`);
    expect(ms).to.be.within(650, 2000);
  });
});
