// A local stand-in for the iLobby partner API, good enough to run roster end to end against:
//
//   https://127.0.0.1:PORT/auth/connect/token              OAuth2 client_credentials (a real oidc-provider)
//   https://127.0.0.1:PORT/auth/.well-known/openid-configuration
//   https://127.0.0.1:PORT/addressbook/uploadcsv           multipart CSV upload, Bearer token required
//   https://127.0.0.1:PORT/sandbox/addressbook             GET: the address book as JSON (no auth)
//
// One HTTPS server with a certificate from a throwaway CA (`caFile`), so clients verify TLS exactly
// as in production. The address book lives in memory and follows the real service's rules: upsert
// by EMAIL (case-insensitive), everyone missing from the file is disabled, empty fields do not
// overwrite, SITE must be one of the portal's sites, a site-scoped API key only touches its sites.
// Every upload attempt (refused ones too) and every token request is recorded, so tests can prove
// that nothing was uploaded; faults can be injected into both endpoints.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SecureVersion } from 'node:tls';
import busboy from 'busboy';
import type { Provider as OidcProvider, KoaContext } from 'oidc-provider';
import { makeCa, makeServerCert, type CertificateAuthority, type ServerCertificate } from '../harness/certs.js';
import { CsvSyntaxError, parseCsv } from './csv.js';

export const ILOBBY_HEADER = ['FIRSTNAME', 'LASTNAME', 'TITLE', 'DIVISION', 'EMAIL', 'MOBILE', 'DESKPHONE', 'SITE'] as const;
export const DEFAULT_SITES = ['Toronto', 'Montreal', 'Head Office'];
export const DEFAULT_CLIENT_ID = 'roster-test';
export const DEFAULT_CLIENT_SECRET = 's3cret-client-secret';

export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

export interface SandboxClientOptions {
  clientId: string;
  clientSecret: string;
  /** When set, this client's uploads only create, update and disable people of these sites. */
  sites?: string[];
  /**
   * The client's registered `token_endpoint_auth_method` (default `client_secret_post`).
   * oidc-provider accepts client_secret_basic and client_secret_post interchangeably for a
   * client registered with either one; set `strictAuthMethod` to refuse the other one.
   */
  authMethod?: ClientAuthMethod;
  /** Refuse (401 invalid_client) a token request that authenticates with the other method. */
  strictAuthMethod?: boolean;
}

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  sites?: string[];
  authMethod: ClientAuthMethod;
  strictAuthMethod: boolean;
}

export interface SandboxOptions {
  /** Default: one client `roster-test` / `s3cret-client-secret`, not site-scoped. */
  clients?: SandboxClientOptions[];
  /** The portal's site names (default Toronto, Montreal, Head Office). */
  sites?: string[];
  /** Lifetime of issued access tokens (default 3600). */
  tokenTtlSeconds?: number;
  /** Extra OAuth scopes a client may ask for (none needed by default). */
  scopes?: string[];
  /** Default TLSv1.2 (TLSv1 when tlsMaxVersion is below TLSv1.2). */
  tlsMinVersion?: SecureVersion;
  /** E.g. 'TLSv1.1' with tlsMinVersion 'TLSv1' to play a legacy endpoint. */
  tlsMaxVersion?: SecureVersion;
  /** OpenSSL cipher list; defaults to 'DEFAULT@SECLEVEL=0' when tlsMaxVersion is below TLSv1.2. */
  ciphers?: string;
  /** The CA that signs the server certificate; default: one 'iLobby sandbox CA' per process. */
  ca?: CertificateAuthority;
  /** Names in the server certificate (default localhost, 127.0.0.1). */
  certHosts?: string[];
  /** Largest accepted upload body (default 10 MiB); larger → 413. */
  maxUploadBytes?: number;
}

export interface AddressBookEntry {
  email: string;
  firstName: string;
  lastName: string;
  title: string;
  division: string;
  mobile: string;
  deskPhone: string;
  site: string;
  enabled: boolean;
}

export type SeedEntry = Partial<AddressBookEntry> & { email: string };

export interface UploadRecord {
  at: Date;
  /** 0 until answered (stays 0 if the client went away). */
  status: number;
  /** Owner of the bearer token, when it was valid. */
  clientId?: string;
  /** Of the file part (`file`, or the first file part when there is no `file` part). */
  filename?: string;
  /** Media type of that part, as sent. */
  contentType?: string;
  fieldName?: string;
  /** Content-Type header of the whole request. */
  requestContentType?: string;
  /** Size of the request body. */
  bytes: number;
  /** The file's text (UTF-8, BOM removed) when there was a file part. */
  csv?: string;
  /** Whether the file started with a UTF-8 BOM. */
  bom?: boolean;
  /** The JSON answered. */
  response?: unknown;
}

export interface TokenRequestRecord {
  at: Date;
  /** 0 when the client went away before an answer. */
  status: number;
  /** The authenticated client (successful requests and most refusals). */
  clientId?: string;
  /** How the client authenticated: an `Authorization: Basic` header, or (otherwise) the body. */
  authMethod: ClientAuthMethod;
  injected: boolean;
}

export interface UploadResult {
  received: number;
  created: number;
  updated: number;
  disabled: number;
  errors: { line: number; message: string }[];
}

export interface IlobbySandbox {
  /** https://127.0.0.1:PORT */
  readonly origin: string;
  /** `${origin}/auth` (discovery: `${issuer}/.well-known/openid-configuration`). */
  readonly issuer: string;
  /** `${origin}/auth/connect/token` */
  readonly tokenUrl: string;
  /** `${origin}/addressbook/uploadcsv` */
  readonly uploadUrl: string;
  /** PEM of the CA that signed the server certificate. */
  readonly caFile: string;
  readonly ca: CertificateAuthority;
  readonly clients: SandboxClient[];
  readonly sites: string[];
  /** Every upload attempt, refused ones included, oldest first (recorded on arrival; status 0 until answered). */
  readonly uploads: UploadRecord[];
  /** Every POST to the token endpoint once answered (or abandoned), refused ones included. */
  readonly tokenLog: TokenRequestRecord[];
  /** POSTs to the token endpoint received so far, successful or not (counted on arrival). */
  readonly tokenRequests: number;
  addressBook(): AddressBookEntry[];
  seed(entries: SeedEntry[]): void;
  /** The next `count` uploads get `status` (and `Retry-After`), without being applied. */
  failNextUploads(count: number, status: number, retryAfterSeconds?: number): void;
  /** The next `count` token requests get `status` (and `Retry-After`), oidc-provider never sees them. */
  failNextTokens(count: number, status: number, retryAfterSeconds?: number): void;
  /** Invalidate every token issued so far (uploads with them get 401 afterwards). */
  revokeTokens(): void;
  stop(): Promise<void>;
}

interface Fault {
  remaining: number;
  status: number;
  retryAfterSeconds?: number;
}

const AUTH_PREFIX = '/auth';
const TOKEN_PATH = '/auth/connect/token';
const UPLOAD_PATH = '/addressbook/uploadcsv';
const BOOK_PATH = '/sandbox/addressbook';

// ---------------------------------------------------------------------------------------------
// oidc-provider glue

let providerClass: Promise<typeof OidcProvider> | undefined;

/**
 * oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when imported under Node 20
 * (it checks process.release.lts >= 'Jod'). It works on Node 20 for what the sandbox uses, and the
 * sandbox is test tooling, so that one line is kept out of test and demo output. Nothing else is
 * filtered.
 */
function loadProvider(): Promise<typeof OidcProvider> {
  providerClass ??= (async () => {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original.apply(console, args);
    };
    try {
      const mod = await import('oidc-provider');
      return mod.default;
    } finally {
      console.warn = original;
    }
  })();
  return providerClass;
}

/** A per-sandbox in-memory oidc-provider adapter (the built-in one is shared process-wide and warns). */
type Stored = { payload: Record<string, unknown>; expiresAt?: number };
function memoryAdapterFactory(store: Map<string, Stored>) {
  return (model: string) => {
    const key = (id: string) => `${model}:${id}`;
    const get = (id: string): Record<string, unknown> | undefined => {
      const hit = store.get(key(id));
      if (!hit) return undefined;
      if (hit.expiresAt !== undefined && hit.expiresAt <= Date.now()) {
        store.delete(key(id));
        return undefined;
      }
      return hit.payload;
    };
    return {
      async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        store.set(key(id), { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
      },
      async find(id: string) { return get(id); },
      async findByUid(uid: string) {
        for (const [k, v] of store) if (k.startsWith(`${model}:`) && v.payload.uid === uid) return v.payload;
        return undefined;
      },
      async findByUserCode(userCode: string) {
        for (const [k, v] of store) if (k.startsWith(`${model}:`) && v.payload.userCode === userCode) return v.payload;
        return undefined;
      },
      async consume(id: string) {
        const p = get(id);
        if (p) p.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) { store.delete(key(id)); },
      async revokeByGrantId(grantId: string) {
        for (const [k, v] of store) if (v.payload.grantId === grantId) store.delete(k);
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// keys and certificates: made once per process (RSA key generation is most of a start-up)

let defaultCa: CertificateAuthority | undefined;
const certificates = new Map<string, ServerCertificate>();
let signingJwk: Record<string, unknown> | undefined;

function serverCertificate(ca: CertificateAuthority, hosts: string[]): ServerCertificate {
  const key = `${ca.certFile}\n${hosts.join(',')}`;
  let cert = certificates.get(key);
  if (!cert) {
    cert = makeServerCert(ca, `ilobby-sandbox-${randomBytes(4).toString('hex')}`, hosts);
    certificates.set(key, cert);
  }
  return cert;
}

function signingKey(): Record<string, unknown> {
  signingJwk ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'sandbox', use: 'sig', alg: 'RS256',
  };
  return signingJwk;
}

// ---------------------------------------------------------------------------------------------
// small HTTP helpers

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Reads the whole body; stops storing (but keeps draining) past `limit`. */
async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; bytes: number; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), bytes, tooLarge: bytes > limit };
}

interface FilePart {
  fieldName: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

interface Multipart {
  files: FilePart[];
  fields: Record<string, string>;
}

function parseMultipart(headers: IncomingMessage['headers'], body: Buffer): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers, limits: { files: 20, fields: 50, fileSize: 64 * 1024 * 1024 } });
    } catch (err) {
      reject(err);
      return;
    }
    const files: FilePart[] = [];
    const fields: Record<string, string> = {};
    const pending: Promise<void>[] = [];
    bb.on('file', (fieldName, stream, info) => {
      pending.push(new Promise<void>((done, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', fail);
        stream.on('end', () => {
          files.push({ fieldName, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) });
          done();
        });
      }));
    });
    bb.on('field', (name, value) => { fields[name] = value; });
    bb.on('error', reject);
    bb.on('close', () => { Promise.all(pending).then(() => resolve({ files, fields }), reject); });
    bb.end(body);
  });
}

function normaliseSites(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

const EMAIL_RE = /^[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>"]+$/;

// ---------------------------------------------------------------------------------------------

export async function startIlobbySandbox(options: SandboxOptions = {}): Promise<IlobbySandbox> {
  const Provider = await loadProvider();

  const clients: SandboxClient[] = (options.clients ?? [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }])
    .map((c) => {
      const sites = normaliseSites(c.sites);
      return {
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        ...(sites ? { sites } : {}),
        authMethod: c.authMethod ?? 'client_secret_post',
        strictAuthMethod: c.strictAuthMethod ?? false,
      };
    });
  const clientById = new Map(clients.map((c) => [c.clientId, c]));
  const sites = [...(options.sites ?? DEFAULT_SITES)];
  const maxUploadBytes = options.maxUploadBytes ?? 10 * 1024 * 1024;

  const ca = options.ca ?? (defaultCa ??= makeCa('iLobby sandbox CA'));
  const cert = serverCertificate(ca, options.certHosts ?? ['localhost', '127.0.0.1']);

  const legacy = options.tlsMaxVersion !== undefined && ['TLSv1', 'TLSv1.1'].includes(options.tlsMaxVersion);
  const ciphers = options.ciphers ?? (legacy ? 'DEFAULT@SECLEVEL=0' : undefined);
  const tlsOptions: https.ServerOptions = {
    key: readFileSync(cert.keyFile),
    cert: readFileSync(cert.certFile),
    minVersion: options.tlsMinVersion ?? (legacy ? 'TLSv1' : 'TLSv1.2'),
    ...(options.tlsMaxVersion ? { maxVersion: options.tlsMaxVersion } : {}),
    ...(ciphers ? { ciphers } : {}),
  };

  // state
  const book = new Map<string, AddressBookEntry>(); // key: lower-case email
  const uploads: UploadRecord[] = [];
  const tokenLog: TokenRequestRecord[] = [];
  let tokenRequests = 0;
  let uploadFault: Fault | undefined;
  let tokenFault: Fault | undefined;
  const oidcStore = new Map<string, Stored>();
  const tokenLogged = new WeakSet<IncomingMessage>();

  let provider: OidcProvider | undefined;
  let providerHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const takeFault = (which: 'upload' | 'token'): Fault | undefined => {
    const fault = which === 'upload' ? uploadFault : tokenFault;
    if (!fault || fault.remaining <= 0) return undefined;
    fault.remaining--;
    return fault;
  };
  const faultHeaders = (fault: Fault): Record<string, string> =>
    fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};

  // --- token endpoint ----------------------------------------------------------------------

  async function handleAuth(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const isTokenRequest = pathname === TOKEN_PATH && req.method === 'POST';
    const authHeader = req.headers.authorization;
    const authMethod: ClientAuthMethod = /^basic\s/i.test(authHeader ?? '')
      ? 'client_secret_basic'
      : 'client_secret_post';
    if (isTokenRequest) {
      tokenRequests++;
      const fault = takeFault('token');
      if (fault) {
        await readBody(req, 64 * 1024);
        tokenLog.push({ at: new Date(), status: fault.status, authMethod, injected: true });
        sendJson(res, fault.status, { error: 'temporarily_unavailable', error_description: 'sandbox: injected fault' }, faultHeaders(fault));
        return;
      }
      // Normally logged by the provider middleware below, before the answer is written, so the
      // log is complete when the client sees the answer; this catches requests that never got there.
      const at = new Date();
      res.on('close', () => {
        if (tokenLogged.has(req)) return;
        tokenLog.push({ at, status: res.headersSent ? res.statusCode : 0, authMethod, injected: false });
      });
    }
    // Mounted under /auth: oidc-provider routes on the path without the prefix and rebuilds its
    // own URLs from originalUrl (issuer path /auth).
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = req.url!.slice(AUTH_PREFIX.length) || '/';
    providerHandler!(req, res);
  }

  // --- upload endpoint ---------------------------------------------------------------------

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: UploadRecord = { at: new Date(), status: 0, bytes: 0 };
    if (req.headers['content-type']) record.requestContentType = req.headers['content-type'];
    uploads.push(record);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.response = body;
      sendJson(res, status, body, headers);
    };

    const { body, bytes, tooLarge } = await readBody(req, maxUploadBytes);
    record.bytes = bytes;

    // Parse what was sent even if it is going to be refused, so the record shows it.
    let multipart: Multipart | undefined;
    let multipartError: string | undefined;
    if (!tooLarge) {
      try {
        multipart = await parseMultipart(req.headers, body);
      } catch (err) {
        multipartError = (err as Error).message;
      }
    }
    const filePart = multipart?.files.find((f) => f.fieldName === 'file') ?? multipart?.files[0];
    let text: string | undefined;
    let utf8Error = false;
    if (filePart) {
      record.fieldName = filePart.fieldName;
      record.filename = filePart.filename;
      record.contentType = filePart.mimeType;
      record.bom = filePart.data.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(filePart.data);
        record.csv = text;
      } catch {
        utf8Error = true;
        record.csv = filePart.data.toString('latin1');
      }
    }

    const fault = takeFault('upload');
    if (fault) {
      answer(fault.status, { error: 'sandbox: injected fault' }, faultHeaders(fault));
      return;
    }

    // Bearer token issued by the provider.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = match ? await provider!.ClientCredentials.find(match[1]!) : undefined;
    const client = token ? clientById.get(token.clientId) : undefined;
    if (!token || !client) {
      answer(401, { error: 'invalid_token', message: match ? 'the access token is invalid or expired' : 'a Bearer access token is required' }, {
        'www-authenticate': match ? 'Bearer error="invalid_token"' : 'Bearer',
      });
      return;
    }
    record.clientId = client.clientId;

    if (tooLarge) {
      answer(413, { error: `request body larger than ${maxUploadBytes} bytes` });
      return;
    }
    if (!multipart) {
      answer(400, { error: `the request must be multipart/form-data: ${multipartError ?? 'unreadable body'}` });
      return;
    }
    const fileParts = multipart.files.filter((f) => f.fieldName === 'file');
    if (fileParts.length === 0) {
      answer(400, { error: `no file part named "file" (file parts: ${multipart.files.map((f) => f.fieldName).join(', ') || 'none'})` });
      return;
    }
    if (fileParts.length > 1) {
      answer(400, { error: 'more than one part named "file"' });
      return;
    }
    if (!/\.csv$/i.test(filePart!.filename)) {
      answer(400, { error: `the file name must end with .csv (got "${filePart!.filename}")` });
      return;
    }
    if (utf8Error || text === undefined) {
      answer(400, { error: 'the file is not valid UTF-8' });
      return;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    record.csv = text;

    let rows;
    try {
      rows = parseCsv(text);
    } catch (err) {
      if (err instanceof CsvSyntaxError) {
        answer(400, { error: `CSV syntax error on ${err.message}`, line: err.line });
        return;
      }
      throw err;
    }
    const header = rows.shift();
    if (!header || header.fields.join(',') !== ILOBBY_HEADER.join(',')) {
      answer(400, {
        error: `the header must be exactly ${ILOBBY_HEADER.join(',')}`,
        got: header?.fields.join(',') ?? '',
      });
      return;
    }

    answer(200, applyRows(rows, client));
  }

  function applyRows(rows: { line: number; fields: string[] }[], client: SandboxClient): UploadResult {
    const result: UploadResult = { received: 0, created: 0, updated: 0, disabled: 0, errors: [] };
    const scope = client.sites ? new Set(client.sites) : undefined;
    const known = new Set(sites);
    const seenOnLine = new Map<string, number>();
    const imported = new Set<string>();

    for (const { line, fields } of rows) {
      if (fields.length === 1 && fields[0] === '') continue; // blank line
      result.received++;
      const error = (message: string): void => { result.errors.push({ line, message }); };
      if (fields.length !== ILOBBY_HEADER.length) {
        error(`expected ${ILOBBY_HEADER.length} fields, got ${fields.length}`);
        continue;
      }
      const [firstName, lastName, title, division, email, mobile, deskPhone, site] = fields as [
        string, string, string, string, string, string, string, string];
      if (email === '') { error('EMAIL is required'); continue; }
      if (!EMAIL_RE.test(email)) { error(`EMAIL "${email}" is not an e-mail address`); continue; }
      const key = email.toLowerCase();
      const firstLine = seenOnLine.get(key);
      if (firstLine !== undefined) { error(`EMAIL ${email} already appears on line ${firstLine}`); continue; }
      seenOnLine.set(key, line);
      if (site !== '' && !known.has(site)) {
        error(`unknown SITE "${site}" (the portal's sites: ${sites.join(', ')})`);
        continue;
      }
      const existing = book.get(key);
      const effectiveSite = site !== '' ? site : existing?.site ?? '';
      if (scope && !scope.has(effectiveSite)) {
        error(effectiveSite === ''
          ? `SITE is required: this API key only covers ${[...scope].join(', ')}`
          : `SITE "${effectiveSite}" is not covered by this API key (${[...scope].join(', ')})`);
        continue;
      }

      const incoming = { email, firstName, lastName, title, division, mobile, deskPhone, site };
      if (!existing) {
        book.set(key, { ...incoming, enabled: true });
        result.created++;
      } else {
        const next: AddressBookEntry = { ...existing, enabled: true };
        for (const [k, v] of Object.entries(incoming) as [keyof typeof incoming, string][]) {
          if (v !== '') next[k] = v; // empty fields never overwrite
        }
        const changed = (Object.keys(next) as (keyof AddressBookEntry)[]).some((k) => next[k] !== existing[k]);
        book.set(key, next);
        if (changed) result.updated++;
      }
      imported.add(key);
    }

    // Everyone (of this key's sites) not imported from this file is disabled.
    for (const [key, entry] of book) {
      if (imported.has(key) || !entry.enabled) continue;
      if (scope && !scope.has(entry.site)) continue;
      entry.enabled = false;
      result.disabled++;
    }
    return result;
  }

  // --- server ------------------------------------------------------------------------------

  const sockets = new Set<Socket>();
  const server = https.createServer(tlsOptions, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'https://sandbox.invalid').pathname;
    let work: Promise<void>;
    if (pathname === AUTH_PREFIX || pathname.startsWith(`${AUTH_PREFIX}/`)) {
      work = handleAuth(req, res, pathname);
    } else if (pathname === UPLOAD_PATH) {
      if (req.method !== 'POST') {
        work = readBody(req, 0).then(() => sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' }));
      } else {
        work = handleUpload(req, res);
      }
    } else if (pathname === BOOK_PATH && req.method === 'GET') {
      sendJson(res, 200, addressBook());
      work = Promise.resolve();
    } else {
      work = readBody(req, 0).then(() => sendJson(res, 404, { error: `no route for ${req.method} ${pathname}` }));
    }
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `sandbox failure: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => { /* refused handshakes (e.g. TLS version) are expected in tests */ });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  const issuer = `${origin}${AUTH_PREFIX}`;

  provider = new Provider(issuer, {
    adapter: memoryAdapterFactory(oidcStore),
    jwks: { keys: [{ ...signingKey() }] }, // only for ID tokens, which this sandbox never issues
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: c.authMethod,
      ...(options.scopes?.length ? { scope: options.scopes.join(' ') } : {}),
    })),
    clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
    scopes: ['openid', 'offline_access', ...(options.scopes ?? [])],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
    },
    routes: { token: '/connect/token' },
    ttl: { ClientCredentials: options.tokenTtlSeconds ?? 3600 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
  });
  provider.use(async (ctx: KoaContext, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.method !== 'POST') return;
    const clientId = ctx.oidc.client?.clientId;
    const client = clientId ? clientById.get(clientId) : undefined;
    const used: ClientAuthMethod = ctx.headers.authorization ? 'client_secret_basic' : 'client_secret_post';
    if (ctx.status === 200 && client?.strictAuthMethod) {
      if (used !== client.authMethod) {
        // oidc-provider treats basic and post as one family; this client is registered for only one.
        const issued = ctx.oidc.entities.ClientCredentials as { destroy(): Promise<void> } | undefined;
        await issued?.destroy();
        ctx.status = 401;
        ctx.body = {
          error: 'invalid_client',
          error_description: `client authentication failed: this client must use ${client.authMethod}`,
        };
      }
    }
    tokenLogged.add(ctx.req);
    tokenLog.push({ at: new Date(), status: ctx.status, ...(clientId ? { clientId } : {}), authMethod: used, injected: false });
  });
  providerHandler = provider.callback();

  function addressBook(): AddressBookEntry[] {
    return [...book.values()]
      .map((e) => ({ ...e }))
      .sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : a.email.toLowerCase() > b.email.toLowerCase() ? 1 : 0));
  }

  let stopped: Promise<void> | undefined;

  return {
    origin,
    issuer,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    uploadUrl: `${origin}${UPLOAD_PATH}`,
    caFile: ca.certFile,
    ca,
    clients,
    sites,
    uploads,
    tokenLog,
    get tokenRequests() { return tokenRequests; },
    addressBook,
    seed(entries: SeedEntry[]) {
      for (const e of entries) {
        book.set(e.email.toLowerCase(), {
          email: e.email,
          firstName: e.firstName ?? '',
          lastName: e.lastName ?? '',
          title: e.title ?? '',
          division: e.division ?? '',
          mobile: e.mobile ?? '',
          deskPhone: e.deskPhone ?? '',
          site: e.site ?? '',
          enabled: e.enabled ?? true,
        });
      }
    },
    failNextUploads(count: number, status: number, retryAfterSeconds?: number) {
      uploadFault = { remaining: count, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    },
    failNextTokens(count: number, status: number, retryAfterSeconds?: number) {
      tokenFault = { remaining: count, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    },
    revokeTokens() {
      for (const key of [...oidcStore.keys()]) if (key.startsWith('ClientCredentials:')) oidcStore.delete(key);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
