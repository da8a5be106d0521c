// What the service side of a push can do wrong, seen as a scheduled job sees it: an unusable URL
// or proxy variable (exit 2 before anything is sent), a proxy that goes silent inside the tunnel
// (exit 6 within the push's time budget, the lock released), and a 200 answer that is not the
// service's (exit 6, the last push left as it was). `roster upload FILE` needs no directory.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace } from '../harness/cli.js';
import { uploadConfig, uploadIn, useSandboxes, writeLastPush } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';
import { startConnectProxy } from '../sandbox/proxy.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const BASELINE = `${HEADER}\r\nAda,Lovelace,Analyst,R&D,ada@example.org,,,Toronto\r\n`;
const NEXT = `${BASELINE}Alan,Turing,Cryptanalyst,R&D,alan@example.org,,,Montreal\r\n`;

describe('service faults (roster upload against the iLobby sandbox)', function () {
  const startSandbox = useSandboxes();
  const sandbox = () => startSandbox({ sites: ['Toronto', 'Montreal'] });

  /** A folder with config.json, hr.csv (NEXT) and a last push (BASELINE), so this is not a first push. */
  function folder(service: IlobbySandbox, ilobby: Record<string, unknown> = {}): string {
    const dir = workspace({
      'config.json': uploadConfig(service, { sites: ['Toronto', 'Montreal'], ...ilobby }),
      'hr.csv': NEXT,
    });
    writeLastPush(join(dir, 'state'), 'ilobby', BASELINE);
    return dir;
  }
  const upload = (dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => uploadIn(dir, 'hr.csv', args, env);
  const lastPush = (dir: string) => readFileSync(join(dir, 'state', 'ilobby', 'last-push.csv'), 'utf8');

  describe('URLs are checked when the config loads', () => {
    it('an http:// uploadUrl fails --dry-run with exit 2 naming ilobby.uploadUrl, asking for no token', async () => {
      const service = await sandbox();
      const dir = folder(service, { uploadUrl: service.uploadUrl.replace('https:', 'http:') });
      for (const args of [['--dry-run'], []]) {
        const run = await upload(dir, args);
        expect(run.code, run.all).to.equal(2);
        expect(run.stderr).to.match(/ilobby\.uploadUrl: "http:\/\/127\.0\.0\.1:\d+\/addressbook\/uploadcsv" must start with https:\/\//);
      }
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
    });

    it('a tokenUrl that is not a URL and an issuer over http:// are named, each with its key', async () => {
      const service = await sandbox();
      const bad = await upload(folder(service, { tokenUrl: 'partnerapi.goilobby.com/auth/connect/token' }), ['--dry-run']);
      expect(bad.code, bad.all).to.equal(2);
      expect(bad.stderr).to.include('ilobby.tokenUrl: "partnerapi.goilobby.com/auth/connect/token" is not a URL');
      const issuer = await upload(folder(service, { tokenUrl: undefined, issuer: 'http://127.0.0.1/auth' }), ['--dry-run']);
      expect(issuer.code, issuer.all).to.equal(2);
      expect(issuer.stderr).to.include('ilobby.issuer: "http://127.0.0.1/auth" must start with https://');
      expect(service.tokenRequests).to.equal(0);
    });

    it('an unusable HTTPS_PROXY or HTTP_PROXY fails with exit 2 naming the variable, hiding its password', async () => {
      const service = await sandbox();
      const dir = folder(service);
      const https = await upload(dir, ['--dry-run'], { HTTPS_PROXY: 'https://user:pr0xy-pw@proxy.corp.example.com:3128' });
      expect(https.code, https.all).to.equal(2);
      expect(https.stderr).to.match(
        /HTTPS_PROXY: "https:\/\/\[credentials\]@proxy\.corp\.example\.com:3128": roster speaks to a proxy with plain HTTP CONNECT/,
      );
      expect(https.all).not.to.include('pr0xy-pw');
      const http = await upload(dir, [], { HTTP_PROXY: 'http://proxy corp:3128' });
      expect(http.code, http.all).to.equal(2);
      expect(http.stderr).to.include('HTTP_PROXY: "http://proxy corp:3128" is not a proxy URL');
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
      // A well-formed proxy variable is accepted (and NO_PROXY sends this request direct).
      const fine = await upload(dir, ['--dry-run'], { HTTPS_PROXY: 'proxy.corp.example.com:3128', NO_PROXY: '127.0.0.1' });
      expect(fine.code, fine.all).to.equal(0);
    });
  });

  describe('an upload answered 200 with an HTML page', () => {
    it('exits 6, says the upload is not counted, and leaves the last push as it was', async () => {
      const service = await sandbox();
      const dir = folder(service);
      service.answerNextUploadsWithHtml(1);
      const run = await upload(dir, ['--report', 'report.json']);
      expect(run.code, run.all).to.equal(6);
      expect(service.uploads.map((u) => u.status)).to.deep.equal([200]);
      expect(run.stderr).to.match(
        /the upload endpoint answered HTTP 200 with an HTML page, not the service's JSON answer, so the upload is not counted as done/,
      );
      expect(lastPush(dir)).to.equal(BASELINE);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { exitCode: number; targets: { outcome: string }[] };
      expect([report.exitCode, report.targets.map((t) => t.outcome)]).to.deep.equal([6, ['failed']]);
      // The service's own answer is a success and becomes the last push.
      const again = await upload(dir);
      expect(again.code, again.all).to.equal(0);
      expect(lastPush(dir)).to.include('alan@example.org');
    });
  });

  describe('a proxy that answers CONNECT, then goes silent', () => {
    const BUDGET_SECONDS = 3;

    async function throughSilentProxy(
      env: (service: IlobbySandbox) => NodeJS.ProcessEnv,
      ilobby: (service: IlobbySandbox) => Record<string, unknown> = () => ({}),
    ) {
      const service = await sandbox();
      const proxy = await startConnectProxy({ silent: true });
      try {
        const dir = folder(service, { timeoutSeconds: BUDGET_SECONDS, ...ilobby(service) });
        const started = Date.now();
        const run = await upload(dir, [], { HTTPS_PROXY: proxy.url, ...env(service) });
        if (process.env.ROSTER_TEST_SHOW) console.log(run.all);
        return { run, elapsedMs: Date.now() - started, dir, service, proxy };
      } finally {
        await proxy.stop();
      }
    }

    it("stalling the token request's TLS handshake ends with exit 6 within ilobby.timeoutSeconds, the lock released", async () => {
      const { run, elapsedMs, dir, service, proxy } = await throughSilentProxy(() => ({}));
      expect(proxy.tunnels.length, 'the request must have gone into the tunnel').to.be.greaterThan(0);
      expect(run.code, run.all).to.equal(6);
      expect(run.stderr).to.match(/token request.*no answer within [0-9.]+ s \(TLS handshake through the proxy 127\.0\.0\.1:\d+\)/);
      expect(run.stderr).to.include('ilobby.timeoutSeconds');
      expect(elapsedMs).to.be.within(BUDGET_SECONDS * 1000, BUDGET_SECONDS * 1000 + 5000);
      expect(existsSync(join(dir, 'state', 'roster.lock'))).to.equal(false);
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
      expect(lastPush(dir)).to.equal(BASELINE);
    });

    it('a stalled upload after a direct token request also ends within the one budget', async () => {
      // The token goes direct (NO_PROXY=localhost); the upload goes into the silent tunnel.
      const { run, elapsedMs, dir, service, proxy } = await throughSilentProxy(
        () => ({ NO_PROXY: 'localhost' }),
        (s) => ({ tokenUrl: s.tokenUrl.replace('127.0.0.1', 'localhost') }),
      );
      expect(service.tokenRequests).to.equal(1);
      expect(proxy.tunnels).to.have.length.greaterThan(0);
      expect(run.code, run.all).to.equal(6);
      expect(run.stderr).to.match(/upload to .*no answer within [0-9.]+ s \(TLS handshake through the proxy/);
      expect(elapsedMs).to.be.within(BUDGET_SECONDS * 1000, BUDGET_SECONDS * 1000 + 5000);
      expect(existsSync(join(dir, 'state', 'roster.lock'))).to.equal(false);
      expect(service.uploads).to.have.length(0);
      expect(lastPush(dir)).to.equal(BASELINE);
    });
  });
});
