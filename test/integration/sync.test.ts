// roster sync and roster upload end to end: Samba AD → CSV → token (oidc-provider) → upload
// (the sandbox's address book), and every way that must send nothing.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedCsv, expectedRecords, rosterIn, SECRET_ENV, syncConfig, useSandboxes } from '../harness/syncSetup.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type IlobbySandbox } from '../sandbox/ilobby.js';
import { startConnectProxy } from '../sandbox/proxy.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';

describe('roster sync and upload against the iLobby sandbox', function () {
  const ad = useSamba();
  const sandbox = useSandboxes();
  const configFor = (service: IlobbySandbox, ilobby: Record<string, unknown> = {}) => syncConfig(ad(), service, {}, ilobby);
  const roster = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) => rosterIn(ad(), dir, args, env);

  it('syncs the directory: the service ends up holding exactly the export', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': configFor(service) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(0);
    expect(readFileSync(join(dir, 'adextract.csv'), 'utf8')).to.equal(expectedCsv);

    expect(service.uploads).to.have.length(1);
    const upload = service.uploads[0]!;
    expect([upload.status, upload.fieldName, upload.filename, upload.contentType]).to.deep.equal([200, 'file', 'adextract.csv', 'text/csv']);
    expect(upload.csv).to.equal(expectedCsv);

    const book = service.addressBook();
    expect(book.every((person) => person.enabled)).to.equal(true);
    const asRecords = book.map((p) => [p.firstName, p.lastName, p.title, p.division, p.email, p.mobile, p.deskPhone, p.site]);
    expect(asRecords).to.deep.equal(expectedRecords);
    // The state now holds what was pushed, for the next run's safety checks.
    expect(readFileSync(join(dir, 'state', 'ilobby', 'last-push.csv'), 'utf8')).to.equal(expectedCsv);
    expect(run.stdout).to.match(/ilobby: uploaded 1166 rows \(1166 added, 0 changed, to be disabled: unknown \(no earlier push\)\)/);
  });

  it('finds the token endpoint by OpenID discovery and can use client_secret_basic', async () => {
    const service = await sandbox({
      clients: [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, authMethod: 'client_secret_basic', strictAuthMethod: true }],
    });
    const dir = workspace({ 'config.json': configFor(service, { tokenUrl: undefined, issuer: service.issuer, authMethod: 'client_secret_basic' }) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(0);
    expect(service.tokenLog.map((t) => [t.status, t.authMethod])).to.deep.equal([[200, 'client_secret_basic']]);
    expect(service.addressBook()).to.have.length(expectedRecords.length);
  });

  it('exits 5 and uploads nothing when the client secret is wrong', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': configFor(service) });
    const run = await roster(dir, ['sync', '--first-push'], { [SECRET_ENV]: 'not-the-secret-at-all' });
    expect(run.code, run.all).to.equal(5);
    expect(run.stderr).to.match(/refused our credentials \(HTTP 401, invalid_client/);
    expect(run.all).not.to.include('not-the-secret-at-all');
    expect(service.uploads).to.have.length(0);
    expect(existsSync(join(dir, 'state', 'ilobby', 'last-push.csv'))).to.equal(false);
  });

  it('refuses an endpoint that offers only TLS 1.0/1.1, sending nothing', async () => {
    const legacy = await sandbox({ tlsMinVersion: 'TLSv1', tlsMaxVersion: 'TLSv1.1' });
    const dir = workspace({ 'config.json': configFor(legacy) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(6);
    expect(run.stderr).to.match(/TLS negotiation failed \(roster requires TLS 1\.2 or newer\)/);
    expect(legacy.tokenRequests).to.equal(0);
    expect(legacy.uploads).to.have.length(0);
  });

  it('refuses a certificate that does not verify, sending nothing', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': configFor(service, { caFile: undefined }) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(6);
    expect(run.stderr).to.match(/TLS certificate was not accepted/);
    expect(service.tokenRequests).to.equal(0);
    expect(service.uploads).to.have.length(0);
  });

  it('goes through HTTPS_PROXY for the token and the upload', async () => {
    const service = await sandbox();
    const proxy = await startConnectProxy();
    try {
      const dir = workspace({ 'config.json': configFor(service) });
      const run = await roster(dir, ['sync', '--first-push'], { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.invalid' });
      expect(run.code, run.all).to.equal(0);
      const port = Number(new URL(service.origin).port);
      expect(proxy.tunnels.map((t) => [t.host, t.port])).to.deep.equal([
        ['127.0.0.1', port],
        ['127.0.0.1', port],
      ]);
      expect(service.uploads.map((u) => u.status)).to.deep.equal([200]);
      // and NO_PROXY sends it direct
      const direct = await roster(workspace({ 'config.json': configFor(service) }), ['sync', '--first-push', '--force'], {
        HTTPS_PROXY: proxy.url,
        NO_PROXY: '127.0.0.1',
      });
      expect(direct.code, direct.all).to.equal(0);
      expect(proxy.tunnels).to.have.length(2);
    } finally {
      await proxy.stop();
    }
  });

  it('never writes a secret to output, log file, report or state, even with --verbose', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': configFor(service) });
    const run = await roster(dir, ['sync', '--first-push', '--verbose', '--log-file', 'roster.log', '--report', 'report.json']);
    expect(run.code, run.all).to.equal(0);
    const files = listFiles(dir).filter((f) => !f.endsWith('config.json'));
    expect(files.some((f) => f.endsWith('roster.log'))).to.equal(true);
    expect(files.some((f) => f.endsWith('report.json'))).to.equal(true);
    for (const secret of [DEFAULT_CLIENT_SECRET, ad().bindPassword]) {
      expect(run.all).not.to.include(secret);
      for (const file of files) expect(readFileSync(file, 'utf8'), file).not.to.include(secret);
    }
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { exitCode: number; targets: { outcome: string }[] };
    expect(report.exitCode).to.equal(0);
    expect(report.targets.map((t) => t.outcome)).to.deep.equal(['uploaded']);
  });

  describe('roster upload FILE', () => {
    async function upload(content: string | Buffer) {
      const service = await sandbox({ sites: ['Toronto', 'Montreal'] });
      const dir = workspace({ 'config.json': configFor(service) });
      writeFileSync(join(dir, 'hr.csv'), content);
      return { service, run: await roster(dir, ['upload', 'hr.csv', '--first-push']) };
    }

    it('checks and uploads a CSV made elsewhere', async () => {
      const { service, run } = await upload(
        `${HEADER}\r\nAda,Lovelace,Analyst,R&D,Ada@Example.org,,,Toronto\r\nAlan,Turing,"Codes, Ciphers",R&D,alan@example.org,+44 1,,Montreal\r\n`,
      );
      expect(run.code, run.all).to.equal(0);
      expect(service.addressBook().map((p) => [p.email, p.title, p.site, p.enabled])).to.deep.equal([
        ['ada@example.org', 'Analyst', 'Toronto', true],
        ['alan@example.org', 'Codes, Ciphers', 'Montreal', true],
      ]);
    });

    it('exits 2 for a wrong header, sending nothing', async () => {
      const { service, run } = await upload('FIRST,LAST,EMAIL\nAda,Lovelace,ada@example.org\n');
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include(`line 1: the header must be exactly ${HEADER}`);
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
    });

    it('exits 2 for a file that is not UTF-8, sending nothing', async () => {
      const { service, run } = await upload(
        Buffer.concat([Buffer.from(`${HEADER}\nRen`), Buffer.from([0xe9]), Buffer.from(',Dupont,,,rene@example.org,,,Toronto\n')]),
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('line 2: not UTF-8 text');
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
    });

    it('exits 2 listing bad rows with line numbers, sending nothing', async () => {
      const { service, run } = await upload(
        [HEADER, 'A,B,,,a@example.org,,,Toronto', 'C,D,,,not-an-email,,,Toronto', 'E,F,,,A@example.org,,,Toronto', 'G,H,only-three', ''].join('\n'),
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('line 3: EMAIL "not-an-email" is not a valid address');
      expect(run.stderr).to.include('line 4: EMAIL a@example.org already on line 2');
      expect(run.stderr).to.include('line 5: 3 fields, expected 8');
      expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
    });
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
