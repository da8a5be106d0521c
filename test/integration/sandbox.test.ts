// The iLobby sandbox and the CONNECT proxy themselves, checked with plain node:https and form-data,
// so that later roster tests can trust what the sandbox records and answers.
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { expect } from 'chai';
import FormData from 'form-data';
import { makeCa } from '../harness/certs.js';
import { parseCsv, CsvSyntaxError } from '../sandbox/csv.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ILOBBY_HEADER, startIlobbySandbox, type IlobbySandbox, type UploadResult } from '../sandbox/ilobby.js';
import { startConnectProxy } from '../sandbox/proxy.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, of the shape the test expects (and then checks). */
  json<Body = Record<string, unknown>>(): Body;
}

interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  ca?: Buffer;
  createConnection?: () => Socket;
}

function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.createConnection ? { createConnection: options.createConnection, agent: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <Body>() => JSON.parse(text) as Body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const ca = (sb: IlobbySandbox): Buffer => readFileSync(sb.caFile);

function tokenRequest(
  sb: IlobbySandbox,
  clientId: string,
  secret: string,
  method: 'client_secret_post' | 'client_secret_basic' = 'client_secret_post',
): Promise<Reply> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (method === 'client_secret_post') {
    form.set('client_id', clientId);
    form.set('client_secret', secret);
  } else {
    // RFC 6749 §2.3.1: form-urlencode, then base64
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
  }
  return request(sb.tokenUrl, { method: 'POST', headers, body: form.toString(), ca: ca(sb) });
}

async function token(sb: IlobbySandbox, clientId = DEFAULT_CLIENT_ID, secret = DEFAULT_CLIENT_SECRET): Promise<string> {
  const reply = await tokenRequest(sb, clientId, secret);
  expect(reply.status, reply.text).to.equal(200);
  return reply.json().access_token as string;
}

interface UploadOptions {
  filename?: string;
  field?: string;
  contentType?: string;
  authorization?: string | null;
}

function upload(sb: IlobbySandbox, bearer: string | null, csv: string | Buffer, options: UploadOptions = {}): Promise<Reply> {
  const form = new FormData();
  form.append(options.field ?? 'file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), {
    filename: options.filename ?? 'people.csv',
    contentType: options.contentType ?? 'text/csv',
  });
  const headers: http.OutgoingHttpHeaders = { ...form.getHeaders() };
  if (options.authorization !== undefined) {
    if (options.authorization !== null) headers.authorization = options.authorization;
  } else if (bearer !== null) {
    headers.authorization = `Bearer ${bearer}`;
  }
  return request(sb.uploadUrl, { method: 'POST', headers, body: form.getBuffer(), ca: ca(sb) });
}

const HEADER = ILOBBY_HEADER.join(',');
const csvOf = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';

// FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE
const ALICE = 'Alice,Martin,Engineer,R&D,alice.martin@example.com,+1 416 555 0101,+1 416 555 0100,Toronto';
const BOB = 'Bob,Tremblay,Accountant,Finance,bob.tremblay@example.com,+1 514 555 0102,,Montreal';
const CAROL = 'Carol,Nguyen,CEO,Executive,carol.nguyen@example.com,,+1 416 555 0103,Head Office';

function tlsProbe(port: number, caPem: Buffer, options: tls.ConnectionOptions): Promise<{ ok: boolean; protocol?: string | null; code?: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, ...options }, () => {
      resolve({ ok: true, protocol: socket.getProtocol() });
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, ...(err.code ? { code: err.code } : {}) }));
  });
}

describe('iLobby sandbox: CSV parser (RFC 4180)', () => {
  it('handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and LF', () => {
    const text = 'a,"b,1","say ""hi"""\r\n"multi\r\nline",,"x\ny"\nlast,"",z';
    expect(parseCsv(text)).to.deep.equal([
      { line: 1, fields: ['a', 'b,1', 'say "hi"'] },
      { line: 2, fields: ['multi\r\nline', '', 'x\ny'] },
      { line: 5, fields: ['last', '', 'z'] },
    ]);
  });

  it('treats a final line break as optional and keeps trailing empty fields', () => {
    expect(parseCsv('a,b\n')).to.deep.equal([{ line: 1, fields: ['a', 'b'] }]);
    expect(parseCsv('a,b')).to.deep.equal([{ line: 1, fields: ['a', 'b'] }]);
    expect(parseCsv('a,\r\n,')).to.deep.equal([
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['', ''] },
    ]);
    expect(parseCsv('')).to.deep.equal([]);
    expect(parseCsv('""')).to.deep.equal([{ line: 1, fields: [''] }]);
  });

  it('refuses what RFC 4180 does not allow, with the line', () => {
    const bad = ['a,"open\n', 'a,b"c\n', 'a,"b"c\n', 'a,b\rc\n', 'ok\n"x"y'];
    const lines = bad.map((t) => {
      try {
        parseCsv(t);
        return 'parsed';
      } catch (err) {
        expect(err).to.be.instanceOf(CsvSyntaxError);
        return (err as CsvSyntaxError).line;
      }
    });
    expect(lines).to.deep.equal([1, 1, 1, 1, 2]);
  });
});

describe('iLobby sandbox', function () {
  this.timeout(60_000);
  let sb: IlobbySandbox;

  beforeEach(async () => {
    sb = await startIlobbySandbox();
  });
  afterEach(async () => {
    await sb.stop();
  });

  describe('OAuth2 token endpoint (oidc-provider)', () => {
    it('publishes discovery under the issuer with the iLobby token path', async () => {
      expect(sb.tokenUrl).to.equal(`${sb.origin}/auth/connect/token`);
      const reply = await request(`${sb.issuer}/.well-known/openid-configuration`, { ca: ca(sb) });
      expect(reply.status).to.equal(200);
      const meta = reply.json();
      expect(meta.issuer).to.equal(sb.issuer);
      expect(meta.token_endpoint).to.equal(sb.tokenUrl);
      expect(meta.grant_types_supported).to.include('client_credentials');
      expect(meta.token_endpoint_auth_methods_supported).to.include.members(['client_secret_post', 'client_secret_basic']);
    });

    it('issues a Bearer token with client_secret_post and with client_secret_basic', async () => {
      for (const method of ['client_secret_post', 'client_secret_basic'] as const) {
        const reply = await tokenRequest(sb, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, method);
        expect(reply.status, `${method}: ${reply.text}`).to.equal(200);
        expect(reply.json()).to.include({ token_type: 'Bearer', expires_in: 3600 });
        expect(reply.json().access_token).to.be.a('string').with.length.greaterThan(20);
      }
      expect(sb.tokenLog.map((t) => [t.status, t.clientId, t.authMethod])).to.deep.equal([
        [200, DEFAULT_CLIENT_ID, 'client_secret_post'],
        [200, DEFAULT_CLIENT_ID, 'client_secret_basic'],
      ]);
    });

    it('answers a wrong secret or an unknown client with 401 invalid_client, and counts every request', async () => {
      const wrongSecret = await tokenRequest(sb, DEFAULT_CLIENT_ID, 'not-the-secret');
      expect(wrongSecret.status).to.equal(401);
      expect(wrongSecret.json().error).to.equal('invalid_client');
      const wrongBasic = await tokenRequest(sb, DEFAULT_CLIENT_ID, 'not-the-secret', 'client_secret_basic');
      expect(wrongBasic.status).to.equal(401);
      expect(wrongBasic.json().error).to.equal('invalid_client');
      expect(wrongBasic.headers['www-authenticate']).to.match(/^Basic /);
      const unknown = await tokenRequest(sb, 'nobody', DEFAULT_CLIENT_SECRET);
      expect(unknown.status).to.equal(401);
      expect(unknown.json().error).to.equal('invalid_client');
      await token(sb);
      expect(sb.tokenRequests).to.equal(4);
      expect(sb.tokenLog.map((t) => t.status)).to.deep.equal([401, 401, 401, 200]);
    });

    it('can hold a client to its registered authentication method (strictAuthMethod)', async () => {
      const strict = await startIlobbySandbox({
        clients: [{ clientId: 'basic-only', clientSecret: 'b-secret', authMethod: 'client_secret_basic', strictAuthMethod: true }],
      });
      try {
        const post = await tokenRequest(strict, 'basic-only', 'b-secret', 'client_secret_post');
        expect(post.status).to.equal(401);
        expect(post.json().error).to.equal('invalid_client');
        const basic = await tokenRequest(strict, 'basic-only', 'b-secret', 'client_secret_basic');
        expect(basic.status).to.equal(200);
        // the refused request's token was destroyed, not just withheld: only one valid token exists
        const ok = await upload(strict, basic.json().access_token as string, csvOf(ALICE));
        expect(ok.status).to.equal(200);
      } finally {
        await strict.stop();
      }
    });

    it('failNextTokens answers the next token requests itself, then oidc-provider again', async () => {
      sb.failNextTokens(2, 503, 3);
      for (let i = 0; i < 2; i++) {
        const reply = await tokenRequest(sb, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
        expect(reply.status).to.equal(503);
        expect(reply.headers['retry-after']).to.equal('3');
      }
      await token(sb);
      expect(sb.tokenLog.map((t) => [t.status, t.injected])).to.deep.equal([
        [503, true],
        [503, true],
        [200, false],
      ]);
    });
  });

  describe('upload endpoint', () => {
    it('refuses an upload without a Bearer token, or with an unknown or revoked one, with 401, and records it', async () => {
      const none = await upload(sb, null, csvOf(ALICE));
      expect(none.status).to.equal(401);
      expect(none.headers['www-authenticate']).to.equal('Bearer');
      const bogus = await upload(sb, 'not-a-token', csvOf(ALICE));
      expect(bogus.status).to.equal(401);
      expect(bogus.headers['www-authenticate']).to.contain('invalid_token');
      const basic = await upload(sb, null, csvOf(ALICE), {
        authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`,
      });
      expect(basic.status).to.equal(401);
      const good = await token(sb);
      sb.revokeTokens();
      const revoked = await upload(sb, good, csvOf(ALICE));
      expect(revoked.status).to.equal(401);

      expect(sb.addressBook()).to.deep.equal([]);
      expect(sb.uploads).to.have.length(4);
      for (const u of sb.uploads) {
        expect(u.status).to.equal(401);
        expect(u.clientId).to.equal(undefined);
        // what was sent is still recorded, to show what would have leaked
        expect(u).to.include({ fieldName: 'file', filename: 'people.csv', contentType: 'text/csv' });
        expect(u.csv).to.equal(csvOf(ALICE));
        expect(u.bytes).to.be.greaterThan(csvOf(ALICE).length);
        expect(u.at).to.be.instanceOf(Date);
      }
    });

    it('answers a wrong header with 400 and a JSON error, and changes nothing', async () => {
      const bearer = await token(sb);
      sb.seed([{ email: 'zoe@example.com', firstName: 'Zoe' }]);
      for (const header of [
        'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE', // a column short
        'firstname,lastname,title,division,email,mobile,deskphone,site', // case
        'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE,EXTRA',
        'LASTNAME,FIRSTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE', // order
      ]) {
        const reply = await upload(sb, bearer, `${header}\r\n${ALICE}\r\n`);
        expect(reply.status, header).to.equal(400);
        expect(reply.headers['content-type']).to.match(/^application\/json/);
        expect(reply.json().error).to.contain(HEADER);
      }
      const empty = await upload(sb, bearer, '');
      expect(empty.status).to.equal(400);
      expect(sb.addressBook()).to.deep.equal([
        { email: 'zoe@example.com', firstName: 'Zoe', lastName: '', title: '', division: '', mobile: '', deskPhone: '', site: '', enabled: true },
      ]);
      expect(sb.uploads.map((u) => [u.status, u.clientId])).to.deep.equal(Array(5).fill([400, DEFAULT_CLIENT_ID]));
    });

    it('requires a multipart part named "file" with a .csv name, valid UTF-8 and valid CSV', async () => {
      const bearer = await token(sb);
      const wrongField = await upload(sb, bearer, csvOf(ALICE), { field: 'csv' });
      expect(wrongField.status).to.equal(400);
      expect(wrongField.json().error).to.contain('"file"');
      expect(sb.uploads[0]).to.include({ fieldName: 'csv', status: 400 });
      expect((await upload(sb, bearer, csvOf(ALICE), { filename: 'people.txt' })).status).to.equal(400);
      expect((await upload(sb, bearer, Buffer.from(`${HEADER}\r\nJos\xe9,X,,,jose@example.com,,,\r\n`, 'latin1'))).status).to.equal(400);
      const badCsv = await upload(sb, bearer, csvOf(ALICE, 'Eve,"unterminated'));
      expect(badCsv.status).to.equal(400);
      expect(badCsv.json().line).to.equal(3);
      const notMultipart = await request(sb.uploadUrl, {
        method: 'POST',
        ca: ca(sb),
        body: csvOf(ALICE),
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/csv' },
      });
      expect(notMultipart.status).to.equal(400);
      expect(sb.addressBook()).to.deep.equal([]);
    });

    it('upserts by EMAIL, disables whoever is missing, and never overwrites with empty fields', async () => {
      const bearer = await token(sb);
      const first = await upload(sb, bearer, `\ufeff${csvOf(ALICE, BOB, CAROL)}`); // a BOM is fine
      expect(first.status, first.text).to.equal(200);
      expect(first.json()).to.deep.equal({ received: 3, created: 3, updated: 0, disabled: 0, errors: [] } satisfies UploadResult);
      expect(sb.uploads[0]).to.include({ bom: true, csv: csvOf(ALICE, BOB, CAROL) });
      expect(sb.addressBook().map((p) => p.email)).to.deep.equal(['alice.martin@example.com', 'bob.tremblay@example.com', 'carol.nguyen@example.com']);

      // Alice: new title, no phones (kept); Bob: missing (disabled); Carol: same row, other e-mail case;
      // Dave: new, with a quoted name containing a comma and a quote, and a line break in the title.
      const second = await upload(
        sb,
        bearer,
        csvOf(
          'Alice,Martin,Senior Engineer,R&D,Alice.Martin@Example.com,,,',
          'Carol,Nguyen,CEO,Executive,CAROL.NGUYEN@EXAMPLE.COM,,+1 416 555 0103,Head Office',
          '"Dave ""DJ""","O\'Neil, Jr","Ops\nlead",IT,dave@example.com,,,Montreal',
        ),
      );
      expect(second.status, second.text).to.equal(200);
      expect(second.json()).to.deep.equal({ received: 3, created: 1, updated: 2, disabled: 1, errors: [] });
      const book = sb.addressBook();
      expect(book).to.deep.equal([
        {
          email: 'Alice.Martin@Example.com',
          firstName: 'Alice',
          lastName: 'Martin',
          title: 'Senior Engineer',
          division: 'R&D',
          mobile: '+1 416 555 0101',
          deskPhone: '+1 416 555 0100',
          site: 'Toronto',
          enabled: true,
        },
        {
          email: 'bob.tremblay@example.com',
          firstName: 'Bob',
          lastName: 'Tremblay',
          title: 'Accountant',
          division: 'Finance',
          mobile: '+1 514 555 0102',
          deskPhone: '',
          site: 'Montreal',
          enabled: false,
        },
        {
          email: 'CAROL.NGUYEN@EXAMPLE.COM',
          firstName: 'Carol',
          lastName: 'Nguyen',
          title: 'CEO',
          division: 'Executive',
          mobile: '',
          deskPhone: '+1 416 555 0103',
          site: 'Head Office',
          enabled: true,
        },
        {
          email: 'dave@example.com',
          firstName: 'Dave "DJ"',
          lastName: "O'Neil, Jr",
          title: 'Ops\nlead',
          division: 'IT',
          mobile: '',
          deskPhone: '',
          site: 'Montreal',
          enabled: true,
        },
      ]);

      // Same file again: nothing to do (Bob is already disabled, so not counted again).
      const again = await upload(sb, bearer, sb.uploads[1]!.csv!);
      expect(again.json()).to.deep.equal({ received: 3, created: 0, updated: 0, disabled: 0, errors: [] });
      // Bob is back: re-enabled (an update); the others are unchanged.
      const back = await upload(sb, bearer, csvOf(ALICE, BOB, CAROL, ',,,,dave@example.com,,,'));
      expect(back.json()).to.include({ created: 0, updated: 3, disabled: 0 }); // Alice's title, Bob, Carol's e-mail case
      expect(sb.addressBook().every((p) => p.enabled)).to.equal(true);

      // An empty roster disables everyone: the sandbox does what the real service would.
      const wipe = await upload(sb, bearer, csvOf());
      expect(wipe.json()).to.deep.equal({ received: 0, created: 0, updated: 0, disabled: 4, errors: [] });

      const served = await request(`${sb.origin}/sandbox/addressbook`, { ca: ca(sb) });
      expect(served.json()).to.deep.equal(sb.addressBook());
    });

    it('rejects a row whose SITE is not a portal site, and rows without a usable EMAIL, with their line', async () => {
      const bearer = await token(sb);
      const reply = await upload(
        sb,
        bearer,
        csvOf(
          ALICE,
          '"Two\nLines",X,,,two.lines@example.com,,,Ottawa',
          'No,Mail,,,,,,Toronto',
          'Bad,Mail,,,not-an-email,,,Toronto',
          'toronto,Lower,,,lower@example.com,,,toronto',
          'Short,Row,,,short@example.com',
          'Alice,Again,,,ALICE.MARTIN@example.com,,,Toronto',
          'No,Site,,,nosite@example.com,,,',
        ),
      );
      expect(reply.status).to.equal(200);
      const result = reply.json<UploadResult>();
      expect(result).to.include({ received: 8, created: 2, updated: 0, disabled: 0 });
      expect(result.errors.map((e) => e.line)).to.deep.equal([3, 5, 6, 7, 8, 9]);
      expect(result.errors[0]!.message).to.contain('unknown SITE "Ottawa"');
      expect(result.errors[3]!.message).to.contain('unknown SITE "toronto"'); // site names are exact
      expect(result.errors[5]!.message).to.contain('line 2');
      expect(sb.addressBook().map((p) => [p.email, p.site])).to.deep.equal([
        ['alice.martin@example.com', 'Toronto'],
        ['nosite@example.com', ''],
      ]);
    });

    it('lets a site-scoped client create, update and disable only people of its sites', async () => {
      const scoped = await startIlobbySandbox({
        clients: [
          { clientId: 'toronto-key', clientSecret: 'to-secret', sites: ['Toronto'] },
          { clientId: 'montreal-key', clientSecret: 'mtl-secret', sites: ['Montreal'], authMethod: 'client_secret_basic' },
        ],
      });
      try {
        scoped.seed([
          { email: 'alice.martin@example.com', firstName: 'Alice', site: 'Toronto' },
          { email: 'tom@example.com', firstName: 'Tom', site: 'Toronto' },
          { email: 'bob.tremblay@example.com', firstName: 'Bob', site: 'Montreal' },
          { email: 'carol.nguyen@example.com', firstName: 'Carol', site: 'Head Office' },
        ]);
        const toronto = await token(scoped, 'toronto-key', 'to-secret');
        const reply = await upload(
          scoped,
          toronto,
          csvOf(
            ALICE,
            'Tina,New,,,tina@example.com,,,Toronto',
            BOB, // a Montreal row under the Toronto key
            'Nadia,NoSite,,,nadia@example.com,,,',
          ),
        );
        expect(reply.status).to.equal(200);
        const result = reply.json<UploadResult>();
        expect(result).to.include({ received: 4, created: 1, updated: 1, disabled: 1 });
        expect(result.errors.map((e) => e.line)).to.deep.equal([4, 5]);
        expect(result.errors[0]!.message).to.contain('not covered by this API key');
        expect(scoped.uploads[0]!.clientId).to.equal('toronto-key');
        expect(scoped.addressBook().map((p) => [p.email, p.site, p.enabled, p.firstName])).to.deep.equal([
          ['alice.martin@example.com', 'Toronto', true, 'Alice'],
          ['bob.tremblay@example.com', 'Montreal', true, 'Bob'], // untouched: not the Toronto key's
          ['carol.nguyen@example.com', 'Head Office', true, 'Carol'],
          ['tina@example.com', 'Toronto', true, 'Tina'],
          ['tom@example.com', 'Toronto', false, 'Tom'], // missing from the Toronto file
        ]);

        // The Montreal key (basic auth client) with an empty file only disables Montreal.
        const basic = await tokenRequest(scoped, 'montreal-key', 'mtl-secret', 'client_secret_basic');
        expect(basic.status).to.equal(200);
        const wipe = await upload(scoped, basic.json().access_token as string, csvOf());
        expect(wipe.json()).to.include({ received: 0, disabled: 1 });
        expect(
          scoped
            .addressBook()
            .filter((p) => !p.enabled)
            .map((p) => p.email),
        ).to.deep.equal(['bob.tremblay@example.com', 'tom@example.com']);
      } finally {
        await scoped.stop();
      }
    });

    it('failNextUploads answers 503 with Retry-After without applying, then uploads work again', async () => {
      const bearer = await token(sb);
      sb.failNextUploads(2, 503, 7);
      for (let i = 0; i < 2; i++) {
        const reply = await upload(sb, bearer, csvOf(ALICE));
        expect(reply.status).to.equal(503);
        expect(reply.headers['retry-after']).to.equal('7');
        expect(sb.addressBook()).to.deep.equal([]);
      }
      const ok = await upload(sb, bearer, csvOf(ALICE));
      expect(ok.status).to.equal(200);
      expect(sb.uploads.map((u) => u.status)).to.deep.equal([503, 503, 200]);
      expect(sb.addressBook()).to.have.length(1);
      sb.failNextUploads(1, 500);
      const noRetryAfter = await upload(sb, bearer, csvOf(ALICE));
      expect(noRetryAfter.status).to.equal(500);
      expect(noRetryAfter.headers['retry-after']).to.equal(undefined);
    });
  });

  describe('TLS', () => {
    it('refuses a client that offers at most TLS 1.1 (minVersion TLSv1.2 is enforced)', async () => {
      const port = Number(new URL(sb.origin).port);
      const old = await tlsProbe(port, ca(sb), { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
      expect(old.ok).to.equal(false);
      expect(old.code).to.equal('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      const modern = await tlsProbe(port, ca(sb), { minVersion: 'TLSv1.2' });
      expect(modern).to.include({ ok: true });
      expect(modern.protocol).to.be.oneOf(['TLSv1.2', 'TLSv1.3']);
      // and the certificate only verifies against the sandbox CA
      const otherCa = await tlsProbe(port, readFileSync(makeCa('some other CA').certFile), {});
      expect(otherCa).to.deep.equal({ ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    });

    it('can play a legacy endpoint that offers only TLS 1.0/1.1', async () => {
      const legacy = await startIlobbySandbox({ tlsMinVersion: 'TLSv1', tlsMaxVersion: 'TLSv1.1' });
      try {
        const port = Number(new URL(legacy.origin).port);
        const modern = await tlsProbe(port, ca(legacy), { minVersion: 'TLSv1.2' });
        expect(modern).to.deep.equal({ ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
        const byDefault = await tlsProbe(port, ca(legacy), {}); // Node 20's default client minimum is TLSv1.2
        expect(byDefault.ok).to.equal(false);
        const old = await tlsProbe(port, ca(legacy), { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
        expect(old).to.deep.equal({ ok: true, protocol: 'TLSv1.1' });
      } finally {
        await legacy.stop();
      }
    });
  });
});

describe('CONNECT proxy', function () {
  this.timeout(60_000);

  function connectThrough(proxyUrl: string, target: string): Promise<{ status: number; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const req = http.request(proxyUrl, { method: 'CONNECT', path: target, headers: { host: target } });
      req.on('connect', (res: http.IncomingMessage, socket: Socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.on('error', reject);
      req.end();
    });
  }

  it('tunnels HTTPS to the sandbox and records the tunnel; refuses non-loopback targets with 403', async () => {
    const sb = await startIlobbySandbox();
    const proxy = await startConnectProxy();
    try {
      const { port } = new URL(sb.origin);
      const { status, socket } = await connectThrough(proxy.url, `127.0.0.1:${port}`);
      expect(status).to.equal(200);
      const reply = await request(`${sb.origin}/sandbox/addressbook`, {
        ca: ca(sb),
        createConnection: () => tls.connect({ socket, ca: ca(sb), host: '127.0.0.1' }),
      });
      expect(reply.status).to.equal(200);
      expect(reply.json()).to.deep.equal([]);
      expect(proxy.tunnels).to.deep.equal([{ host: '127.0.0.1', port: Number(port) }]);

      const refused = await connectThrough(proxy.url, 'example.com:443');
      expect(refused.status).to.equal(403);
      refused.socket.destroy();
      expect(proxy.tunnels).to.have.length(1);
      expect(proxy.refused).to.deep.equal([{ target: 'example.com:443', status: 403 }]);
      socket.destroy();
    } finally {
      await proxy.stop();
      await sb.stop();
    }
  });
});
