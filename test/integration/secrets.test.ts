// Secrets as hostile endpoints and Windows editors hand them over: a token endpoint that echoes
// the request (form-encoded, JSON-escaped, base64 in a Basic header) leaks no form of the secret
// into output, the log file (text or JSON) or a report, and its answer is shown only as a short
// excerpt; a short password does not blank ordinary words; secret files with a BOM, CRLF and
// blank lines work, and a control character inside one is refused with exit 2.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeCa, makeServerCert } from '../harness/certs.js';
import { runRoster, workspace, type CliRun } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { FIELD_MAPPING, FILTER, SEARCH_BASE, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD } from '../harness/ldap-fixture.js';
import { officevibePush, officevibeWorkspace } from '../harness/officevibeSetup.js';
import { startSlapd, type SlapdDirectory } from '../harness/slapd.js';
import { startOfficevibeSandbox } from '../sandbox/officevibe.js';

const SECRET = 'my"secret\\pw$1 x+y~é';
const SECRET_ENV = 'ROSTER_TEST_ECHO_SECRET';
const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';

/** What an OAuth client sends in a Basic header: id and secret form-encoded (RFC 6749 §2.3.1). */
const oauthEncoded = (text: string) =>
  encodeURIComponent(text)
    .replace(/[-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
const json = (text: string) => JSON.stringify(text).slice(1, -1);
const form = new URLSearchParams({ s: SECRET }).toString().slice(2);
/** Every spelling of the secret that must never be written anywhere. */
const FORMS: Record<string, string> = {
  raw: SECRET,
  json: json(SECRET),
  jsonTwice: json(json(SECRET)),
  form,
  formWith20: form.replace(/\+/g, '%20'),
  formLowerHex: form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  uri: encodeURIComponent(SECRET),
  oauth: oauthEncoded(SECRET),
  base64: Buffer.from(SECRET).toString('base64'),
  basic: Buffer.from(`roster-test:${oauthEncoded(SECRET)}`).toString('base64'),
};

type Echo = (request: { body: string; authorization: string }) => string;
/** What the hostile token endpoint puts in error_description: the request, spelled one way or another. */
const ECHOES: Record<string, Echo> = {
  'the form body': ({ body }) => `received ${body}`,
  'the form body with %20 for spaces': ({ body }) => `received ${body.replace(/\+/g, '%20')}`,
  'the parameters as JSON': ({ body }) => `received ${JSON.stringify(Object.fromEntries(new URLSearchParams(body)))}`,
  'the Authorization header': ({ authorization }) => `received authorization ${authorization}`,
  'the secret in base64': ({ body }) => `received ${Buffer.from(new URLSearchParams(body).get('client_secret') ?? '').toString('base64')}`,
};

describe('secrets', function () {
  describe('a token endpoint that echoes the request', () => {
    let server: Server;
    let url: string;
    let caFile: string;
    let echo: Echo = ECHOES['the form body']!;
    before(async () => {
      const ca = makeCa('echo CA');
      caFile = ca.certFile;
      const cert = makeServerCert(ca, 'echo', ['127.0.0.1']);
      server = createServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        req.on('end', () => {
          const answer = JSON.stringify({ error: 'invalid_client', error_description: echo({ body, authorization: req.headers.authorization ?? '' }) });
          res.writeHead(400, { 'content-type': 'application/json' }).end(answer);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    /** `roster upload` (it needs no directory) with the text or JSON log, a report and the state folder's report. */
    async function upload(authMethod: string, format: 'text' | 'json'): Promise<{ run: CliRun; written: string }> {
      const dir = workspace({
        'config.json': {
          directory: { url: 'ldaps://127.0.0.1:9', bindDn: 'cn=unused', bindPasswordEnv: 'ROSTER_TEST_UNUSED', searchBases: ['dc=unused'] },
          ilobby: {
            tokenUrl: `${url}/auth/connect/token`,
            uploadUrl: `${url}/addressbook/uploadcsv`,
            clientId: 'roster-test',
            clientSecretEnv: SECRET_ENV,
            caFile,
            authMethod,
            sites: ['Toronto'],
          },
        },
        'hr.csv': `${HEADER}\nAda,Lovelace,,,ada@example.org,,,Toronto\n`,
      });
      const run = await runRoster(
        [
          'upload',
          'hr.csv',
          '--first-push',
          '--config',
          'config.json',
          '--verbose',
          '--log-format',
          format,
          '--log-file',
          'roster.log',
          '--report',
          'report.json',
        ],
        {
          cwd: dir,
          env: { [SECRET_ENV]: SECRET },
        },
      );
      const reports = join(dir, 'state', 'reports');
      const files = [join(dir, 'roster.log'), join(dir, 'report.json'), ...(existsSync(reports) ? readdirSync(reports).map((f) => join(reports, f)) : [])];
      expect(files.every(existsSync), files.join(', ')).to.equal(true);
      return { run, written: [run.all, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n') };
    }

    for (const [name, answer] of Object.entries(ECHOES)) {
      it(`no form of the secret reaches output, log file or report when the endpoint echoes ${name}`, async () => {
        echo = answer;
        for (const format of ['text', 'json'] as const) {
          const { run, written } = await upload(name === 'the Authorization header' ? 'client_secret_basic' : 'client_secret_post', format);
          expect(run.code, run.all).to.equal(5);
          expect(run.stderr).to.include('refused our credentials');
          // The echo did reach the output (this test checks something), with the secret blanked out.
          expect(run.stderr, format).to.include('received');
          expect(run.stderr, format).to.include('[redacted]');
          for (const [spelling, text] of Object.entries(FORMS)) expect(written, `${format}: ${spelling}`).not.to.include(text);
        }
      });
    }

    it('shows only a short excerpt of what the endpoint said', async () => {
      echo = () => `first words ${'x'.repeat(5000)} last words`;
      const { run, written } = await upload('client_secret_post', 'text');
      expect(run.code, run.all).to.equal(5);
      expect(run.stderr).to.include('first words');
      expect(written).not.to.include('last words');
      expect(written).not.to.include('x'.repeat(200));
    });
  });

  describe('with the directory', () => {
    let ldap: SlapdDirectory;
    before(async function () {
      requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
      ldap = await startSlapd();
    });
    after(async () => ldap?.stop());

    function exportWith(password: { env?: string; file?: string | Buffer }) {
      const dir = workspace({
        'config.json': {
          directory: {
            url: ldap.ldapsUrl,
            caFile: ldap.caFile,
            bindDn: SERVICE_BIND_DN,
            searchBases: [SEARCH_BASE],
            filter: FILTER,
            ...(password.file === undefined ? { bindPasswordEnv: 'ROSTER_TEST_BIND' } : { bindPasswordFile: 'bind-password.txt' }),
          },
          fields: 'people.fields.json',
          csv: { path: 'people.csv' },
        },
        'people.fields.json': FIELD_MAPPING,
      });
      if (password.file !== undefined) writeFileSync(join(dir, 'bind-password.txt'), password.file);
      return runRoster(['export', '--config', join(dir, 'config.json')], { env: { ROSTER_TEST_BIND: password.env ?? '' } }).then((run) => ({ run, dir }));
    }

    it('a short password does not blank ordinary words of the bind error', async () => {
      const { run } = await exportWith({ env: 'wrong' });
      expect(run.code, run.all).to.equal(3);
      expect(run.stderr).to.include('invalid credentials (wrong bind DN or password)');
      expect(run.all).not.to.include('[redacted]');
    });

    it('a bind password file written by Notepad or PowerShell (BOM, CRLF, a blank line, trailing spaces) binds', async () => {
      const { run } = await exportWith({ file: `\uFEFF${SERVICE_BIND_PASSWORD} \r\n\r\n` });
      expect(run.code, run.all).to.equal(0);
      const utf16 = await exportWith({ file: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${SERVICE_BIND_PASSWORD}\r\n`, 'utf16le')]) });
      expect(utf16.run.code, utf16.run.all).to.equal(0);
    });

    it('a control character inside a secret file: exit 2 naming the key and the file, never the secret, before any bind', async () => {
      const binds = () => (ldap.output().match(/BIND dn="cn=roster/g) ?? []).length;
      const bindsBefore = binds();
      const { run, dir } = await exportWith({ file: `${SERVICE_BIND_PASSWORD}\r\nsecond-line-Qz7\r\n` });
      expect(run.code, run.all).to.equal(2);
      expect(run.stderr).to.include(`the secret file ${join(dir, 'bind-password.txt')} (named by directory.bindPasswordFile) holds a control character`);
      expect(run.all).not.to.include(SERVICE_BIND_PASSWORD);
      expect(run.all).not.to.include('second-line-Qz7');
      expect(binds()).to.equal(bindsBefore);
    });
  });

  it('an Officevibe key file with a BOM and CRLF is accepted; the key is sent without them', async () => {
    const service = await startOfficevibeSandbox();
    try {
      const dir = officevibeWorkspace(service, { ApiKey: undefined, ApiKeyFile: 'officevibe-key.txt' });
      writeFileSync(join(dir, 'officevibe-key.txt'), `\uFEFF${service.apiKey}\r\n\r\n`);
      const run = await officevibePush(service, dir);
      expect(run.code, run.all).to.equal(0);
      expect(service.requests.map((r) => [r.keyAccepted, r.status])).to.deep.equal([[true, 200]]);
      expect(run.all).not.to.include(service.apiKey);
    } finally {
      await service.stop();
    }
  });
});
