// roster check against a real AD (Samba), TLS servers with bad certificates and the iLobby sandbox:
// one line per step, the exit code of the first failure, a hint under every failure, no secret.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expectedExtract, MONTREAL_DN, STAFF_DN, toCsv, TORONTO_DN } from '../harness/ad-fixture.js';
import { makeCa } from '../harness/certs.js';
import { workspace } from '../harness/cli.js';
import { makeExpiredServerCert } from '../harness/expiredCert.js';
import { useSamba } from '../harness/sambaSuite.js';
import { BIND_ENV, rosterIn, SECRET_ENV, startSandbox, syncConfig } from '../harness/syncSetup.js';
import { DEFAULT_CLIENT_SECRET, type IlobbySandbox } from '../sandbox/ilobby.js';

/** The step lines of a check's output: "✔ TLS    …" → ['pass', 'TLS', '…']. */
function stepsOf(stdout: string): { status: string; step: string; text: string }[] {
  const symbols: Record<string, string> = { '✔': 'pass', '✘': 'fail', '⚠': 'warn', '–': 'skip' };
  return stdout.split('\n').flatMap((line) => {
    const match = /^\s*([✔✘⚠–]) (\S+)\s+(.*)$/.exec(line);
    return match ? [{ status: symbols[match[1]!]!, step: match[2]!, text: match[3]! }] : [];
  });
}
const statuses = (stdout: string) => stepsOf(stdout).map((s) => `${s.status} ${s.step}`);

describe('roster check', function () {
  let service: IlobbySandbox;
  const ad = useSamba();
  before(async () => {
    service = await startSandbox();
  });
  after(async () => service?.stop());

  const check = (config: unknown, env: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const dir = workspace({ 'config.json': config });
    return rosterIn(ad(), dir, ['check', ...args], env).then((run) => ({ ...run, dir }));
  };

  it('on a healthy setup lists each step, TLS and certificate, rows per search base with samples, the token; exit 0', async () => {
    const before = { tokens: service.tokenRequests, uploads: service.uploads.length };
    const run = await check(syncConfig(ad(), service, { searchBases: [TORONTO_DN, MONTREAL_DN] }));
    expect(run.code, run.all).to.equal(0);
    expect(statuses(run.stdout)).to.deep.equal([
      'pass config',
      'pass fields',
      'pass DNS',
      'pass TCP',
      'warn TLS', // the test CA's certificates are valid for two days: roster warns 30 days ahead
      'pass bind',
      'pass schema',
      'pass search',
      'pass search',
      'pass rows',
      'pass sites',
      'pass token',
    ]);
    const steps = stepsOf(run.stdout);
    const text = (step: string, index = 0) => steps.filter((s) => s.step === step)[index]!.text;
    expect(text('DNS')).to.equal(`${ad().host} is an IP address: nothing to look up`);
    expect(text('TCP')).to.match(new RegExp(`^connected to ${ad().host.replace(/\./g, '\\.')}:636 in \\d+ ms$`));
    expect(text('TLS')).to.match(
      new RegExp(
        `^TLSv1\\.[23], TLS_\\w+; certificate CN=${ad().dcHostname}, issued by CN=roster samba test CA, valid until \\d{4}-\\d\\d-\\d\\d \\([01] days? left\\)$`,
      ),
    );
    expect(run.stdout).to.include('what to try: The certificate expires in less than 30 days: renew it on the domain controller before then.');
    expect(text('bind')).to.equal(`as ${ad().bindDn}`);
    // The SITE values with their counts, all of them known to the target's sites.
    const all = expectedExtract({ bases: [TORONTO_DN, MONTREAL_DN] }).rows;
    const count = (site: string) => all.filter((row) => row.SITE === site).length;
    expect(text('sites')).to.match(new RegExp(`^SITE values: .*"Toronto" ${count('Toronto')}`));
    expect(text('sites')).to.include(`"Montreal" ${count('Montreal')}`);
    for (const [index, base] of [TORONTO_DN, MONTREAL_DN].entries()) {
      const expected = expectedExtract({ bases: [base] });
      expect(text('search', index)).to.match(
        new RegExp(`^${base}: ${expected.matched.length} entries, ${expected.rows.length} rows.*, \\d+ page\\(s\\); the first 5 as the CSV would have them:$`),
      );
      // the five sample rows, exactly as the CSV would have them
      for (const line of toCsv(expected.rows.slice(0, 5)).trimEnd().split('\n')) expect(run.stdout).to.match(new RegExp(`\\n\\s+${escape(line)}\\n`));
    }
    const total = expectedExtract({ bases: [TORONTO_DN, MONTREAL_DN] });
    expect(text('rows')).to.match(new RegExp(`^the export would write ${total.rows.length} rows from ${total.matched.length} entries`));
    expect(text('token')).to.equal(`issued by ${service.tokenUrl} for client roster-test; nothing was uploaded`);
    expect(run.stdout).to.match(/\ncheck passed: 11 steps ok, 1 warning; nothing was uploaded\n$/);
    expect([service.tokenRequests - before.tokens, service.uploads.length - before.uploads]).to.deep.equal([1, 0]);
    for (const secret of [ad().bindPassword, DEFAULT_CLIENT_SECRET]) expect(run.all).not.to.include(secret);
  });

  it('checks the StartTLS upgrade of ldap:// and writes every step to --report', async () => {
    const run = await check(syncConfig(ad(), service, { url: ad().ldapUrl, startTls: true }), {}, ['--report', 'report.json']);
    expect(run.code, run.all).to.equal(0);
    expect(stepsOf(run.stdout).find((s) => s.step === 'TLS')!.text).to.match(/^TLSv1\.[23] \(StartTLS\), TLS_\w+; certificate CN=/);
    const report = JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as {
      command: string;
      exitCode: number;
      steps: { step: string; status: string }[];
      durationMs: number;
    };
    expect([report.command, report.exitCode]).to.deep.equal(['check', 0]);
    expect(report.steps.map((s) => `${s.status} ${s.step}`)).to.deep.equal(statuses(run.stdout));
    expect(report.durationMs).to.be.a('number');
  });

  it('exits 3 for a wrong bind password, and does not try it on the next domain controller', async () => {
    const run = await check(syncConfig(ad(), service, { url: [ad().ldapsUrl, ad().ldapsUrl] }), { [BIND_ENV]: 'Wrong-Passw0rd-123' });
    expect(run.code, run.all).to.equal(3);
    expect(statuses(run.stdout).filter((s) => s.endsWith('bind'))).to.deep.equal(['fail bind', 'skip bind']);
    expect(run.stdout).to.match(
      /✘ bind\s+bind to ldaps:\/\/\S+ failed: invalid credentials \(wrong bind DN or password\) \(AD code 52e\)\n\s+what to try: Check directory\.bindDn and the password/,
    );
    expect(run.stdout).to.include('not tried: ldaps://');
    expect(statuses(run.stdout)).to.include('pass token'); // the iLobby part is still checked
    expect(run.stdout).to.match(/check failed: 1 of \d+ steps failed.*; the first: bind \(ldaps:\/\/[^)]+\), exit 3\n$/);
    expect(run.all).not.to.include('Wrong-Passw0rd-123');
  });

  it('exits 3 for a search base that does not exist, still counting the others', async () => {
    const missing = `OU=Nowhere,${STAFF_DN}`;
    const run = await check(syncConfig(ad(), service, { searchBases: [missing, TORONTO_DN] }));
    expect(run.code, run.all).to.equal(3);
    expect(statuses(run.stdout)).to.include.members(['fail search', 'pass search']);
    expect(run.stdout).to.include(`✘ search search base "${missing}" does not exist on ${ad().ldapsUrl}`);
    expect(run.stdout).to.match(/what to try: Check the spelling in directory\.searchBases/);
    expect(statuses(run.stdout)).not.to.include('pass rows'); // no total from a partial search
  });

  it('exits 3 for a certificate from a CA it does not trust, showing who issued it', async () => {
    const other = makeCa('some other CA');
    const run = await check(syncConfig(ad(), service, { caFile: other.certFile }));
    expect(run.code, run.all).to.equal(3);
    expect(statuses(run.stdout).slice(0, 5)).to.deep.equal(['pass config', 'pass fields', 'pass DNS', 'pass TCP', 'fail TLS']);
    expect(run.stdout).to.match(
      /✘ TLS\s+the TLS certificate of ldaps:\/\/\S+ was not accepted: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
    );
    expect(run.stdout).to.match(new RegExp(`the server presented: certificate CN=${ad().dcHostname}, issued by CN=roster samba test CA, valid until`));
    expect(run.stdout).to.include(`what to try: Check that ${other.certFile} holds the CA that issued the server's certificate`);
    expect(statuses(run.stdout)).not.to.include('pass bind');
  });

  it('exits 3 for an expired certificate, saying when it expired and to renew it', async () => {
    const ca = makeCa('expired test CA');
    const cert = makeExpiredServerCert(ca, 'expired-dc', ['localhost', '127.0.0.1'], 40, 10);
    const server: Server = createServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (socket) => socket.end());
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ldaps://localhost:${(server.address() as AddressInfo).port}`;
      const run = await check(syncConfig(ad(), service, { url, caFile: ca.certFile }));
      expect(run.code, run.all).to.equal(3);
      const steps = stepsOf(run.stdout);
      expect(steps.find((s) => s.step === 'DNS')!.text).to.match(/^localhost → .*(127\.0\.0\.1|::1)/);
      expect(steps.find((s) => s.step === 'TLS')!).to.include({ status: 'fail' });
      expect(run.stdout).to.match(/was not accepted: certificate has expired \(CERT_HAS_EXPIRED\)/);
      const expiredOn = cert.notAfter.toISOString().slice(0, 10);
      expect(run.stdout).to.include(`the server presented: certificate CN=localhost, issued by CN=expired test CA, expired on ${expiredOn} (10 days ago)`);
      expect(run.stdout).to.match(/what to try: The server's certificate is outside its validity dates: renew it/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('checks every domain controller: one that does not resolve fails DNS, the next one still passes', async () => {
    const run = await check(syncConfig(ad(), service, { url: ['ldaps://dc9.corp.example.invalid', ad().ldapsUrl] }));
    expect(run.code, run.all).to.equal(3);
    expect(run.stdout).to.match(
      /✘ DNS\s+cannot resolve dc9\.corp\.example\.invalid, the host name in ldaps:\/\/dc9\.corp\.example\.invalid \((ENOTFOUND|EAI_AGAIN)\)/,
    );
    expect(statuses(run.stdout)).to.include.members(['pass bind', 'pass rows']);
  });

  it('exits 5 when the token endpoint refuses the client secret, never printing it', async () => {
    const run = await check(syncConfig(ad(), service), { [SECRET_ENV]: 'not-the-right-secret' });
    expect(run.code, run.all).to.equal(5);
    expect(statuses(run.stdout).slice(-2)).to.deep.equal(['pass sites', 'fail token']);
    expect(run.stdout).to.match(/✘ token\s+ilobby: the token endpoint \S+ refused our credentials \(HTTP 401, invalid_client/);
    expect(run.stdout).to.include('what to try: Check clientId "roster-test"');
    expect(run.all).not.to.include('not-the-right-secret');
  });

  it('exits 2 for a config error, naming the key, and for a caFile that cannot be read', async () => {
    const run = await check({ ...syncConfig(ad(), service), directory: { ...syncConfig(ad(), service).directory, pagesize: 5 } });
    expect(run.code, run.all).to.equal(2);
    expect(statuses(run.stdout)).to.deep.equal(['fail config']);
    expect(run.stdout).to.include('directory.pagesize: unknown key (check its spelling and case)');
    const noCa = await check(syncConfig(ad(), service, { caFile: 'missing-ca.pem' }));
    expect(noCa.code, noCa.all).to.equal(2);
    expect(noCa.stdout).to.match(/✘ TLS\s+\S+missing-ca\.pem: directory\.caFile cannot be read: ENOENT/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
