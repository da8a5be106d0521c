import { expect } from 'chai';
import { bypassesProxy, proxyFor } from '../../src/platform/http/proxy.js';
import { TransportError } from '../../src/platform/http/request.js';
import { backoffMs, isRetryableStatus, isRetryableTransport, parseRetryAfter, withRetries } from '../../src/platform/http/retry.js';
import { fakeClock } from '../harness/fakeClock.js';
import { silentLogger } from '../../src/platform/log/logger.js';

describe('proxy selection', () => {
  const target = new URL('https://partnerapi.goilobby.com/addressbook/uploadcsv');
  it('uses HTTPS_PROXY (or https_proxy), adding http:// when missing', () => {
    expect(proxyFor(target, { HTTPS_PROXY: 'http://proxy.corp:3128' })?.href).to.equal('http://proxy.corp:3128/');
    expect(proxyFor(target, { https_proxy: 'proxy.corp:8080' })?.href).to.equal('http://proxy.corp:8080/');
    expect(proxyFor(target, {})).to.equal(undefined);
  });
  it('honours NO_PROXY host names, domain suffixes, ports and *', () => {
    expect(bypassesProxy(target, 'goilobby.com')).to.equal(true);
    expect(bypassesProxy(target, '.goilobby.com')).to.equal(true);
    expect(bypassesProxy(target, '*.goilobby.com')).to.equal(true);
    expect(bypassesProxy(target, 'lobby.com')).to.equal(false);
    expect(bypassesProxy(target, 'partnerapi.goilobby.com:8443')).to.equal(false);
    expect(bypassesProxy(target, 'partnerapi.goilobby.com:443')).to.equal(true);
    expect(bypassesProxy(target, 'localhost, *')).to.equal(true);
    expect(proxyFor(target, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'corp.local,goilobby.com' })).to.equal(undefined);
  });
});

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, totalBudgetMs: 10_000 };

  it('retries 408, 429 and 5xx, never other 4xx', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).to.equal(true);
    expect([400, 401, 403, 404, 409, 413, 422].some(isRetryableStatus)).to.equal(false);
  });

  it('does not retry certificate or TLS protocol failures', () => {
    expect(isRetryableTransport(new TransportError('x', 'ECONNRESET'))).to.equal(true);
    expect(isRetryableTransport(new TransportError('x', 'ECONNREFUSED'))).to.equal(true);
    expect(isRetryableTransport(new TransportError('x', 'SELF_SIGNED_CERT_IN_CHAIN'))).to.equal(false);
    expect(isRetryableTransport(new TransportError('x', 'ERR_SSL_UNSUPPORTED_PROTOCOL'))).to.equal(false);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3', 0)).to.equal(3000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).to.equal(60_000);
    expect(parseRetryAfter('soon', 0)).to.equal(undefined);
    expect(parseRetryAfter(undefined, 0)).to.equal(undefined);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(1, policy, () => 1)).to.equal(100);
    expect(backoffMs(3, policy, () => 1)).to.equal(400);
    expect(backoffMs(10, policy, () => 1)).to.equal(1000);
    expect(backoffMs(3, policy, () => 0.5)).to.equal(200);
  });

  const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: Buffer.alloc(0) });

  it('honours Retry-After and returns the first final answer', async () => {
    const clock = fakeClock();
    const answers = [answer(503, { 'retry-after': '2' }), answer(503, { 'retry-after': '2' }), answer(200)];
    const response = await withRetries('upload', () => Promise.resolve(answers.shift()!), silentLogger, policy, clock);
    expect(response.status).to.equal(200);
    expect(clock.waits).to.deep.equal([2000, 2000]);
  });

  it('returns a 4xx at once', async () => {
    const clock = fakeClock();
    let calls = 0;
    const response = await withRetries(
      'upload',
      () => {
        calls += 1;
        return Promise.resolve(answer(400));
      },
      silentLogger,
      policy,
      clock,
    );
    expect([response.status, calls, clock.waits.length]).to.deep.equal([400, 1, 0]);
  });

  it('gives up after maxAttempts, or when Retry-After exceeds the time left', async () => {
    const clock = fakeClock();
    let calls = 0;
    let thrown: unknown;
    try {
      await withRetries(
        'token',
        () => {
          calls += 1;
          return Promise.reject(new TransportError('down', 'ECONNREFUSED'));
        },
        silentLogger,
        policy,
        clock,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(TransportError);
    expect([calls, clock.waits.length]).to.deep.equal([4, 3]);
    const slow = fakeClock();
    const response = await withRetries('upload', () => Promise.resolve(answer(503, { 'retry-after': '3600' })), silentLogger, policy, slow);
    expect([response.status, slow.waits.length]).to.deep.equal([503, 0]);
  });
});
