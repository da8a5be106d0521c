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
// overwrite, SITE must be one of the portal's sites (a row with another is rejected, and its person
// disabled like anyone not imported), a site-scoped API key only touches its sites. The answer
// lists rejected rows and the disable count, in one of several shapes (answers.ts), since the real
// service's format is unpublished. Every upload attempt (refused ones too) and every token request
// is recorded, so tests can prove that nothing was uploaded; faults can be injected into both
// endpoints, and a token request can be held until the test lets it go.
//
// This file wires the pieces together and is the one tests import; they live under ./ilobby/:
// types.ts (public types and constants, re-exported here), addressBook.ts (the upsert rules),
// oauth.ts (oidc-provider and the token endpoint), upload.ts (the upload endpoint), answers.ts
// (the answer's shapes), http.ts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { makeCa, makeServerCert, type CertificateAuthority, type ServerCertificate } from '../harness/certs.js';
import { applyRows, listAddressBook, seedAddressBook, type AddressBook } from './ilobby/addressBook.js';
import { FaultSlot, readBody, sendJson } from './ilobby/http.js';
import { AUTH_PREFIX, loadProvider, TokenEndpoint, TOKEN_PATH } from './ilobby/oauth.js';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_SITES,
  type AddressBookEntry,
  type IlobbySandbox,
  type SandboxClient,
  type SandboxOptions,
  type SeedEntry,
  type UploadRecord,
} from './ilobby/types.js';
import { UPLOAD_PATH, uploadHandler } from './ilobby/upload.js';
import { SERVICESTACK_ERROR, shapeAnswer, type AnswerShape } from './ilobby/answers.js';

export * from './ilobby/types.js';
export { SERVICESTACK_ERROR, type AnswerShape } from './ilobby/answers.js';

const BOOK_PATH = '/sandbox/addressbook';

// ---------------------------------------------------------------------------------------------
// certificates: made once per process (RSA key generation is most of a start-up)

let defaultCa: CertificateAuthority | undefined;
const certificates = new Map<string, ServerCertificate>();

function serverCertificate(ca: CertificateAuthority, hosts: string[]): ServerCertificate {
  const key = `${ca.certFile}\n${hosts.join(',')}`;
  let cert = certificates.get(key);
  if (!cert) {
    cert = makeServerCert(ca, `ilobby-sandbox-${randomBytes(4).toString('hex')}`, hosts);
    certificates.set(key, cert);
  }
  return cert;
}

function normaliseSites(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

// ---------------------------------------------------------------------------------------------

export async function startIlobbySandbox(options: SandboxOptions = {}): Promise<IlobbySandbox> {
  const Provider = await loadProvider();

  const clients: SandboxClient[] = (options.clients ?? [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }]).map((c) => {
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
  const book: AddressBook = new Map<string, AddressBookEntry>(); // key: lower-case email
  const uploads: UploadRecord[] = [];
  const uploadFaults = new FaultSlot();
  let afterUpload: (() => void) | undefined;
  let answerShape: AnswerShape = 'flat';
  const tokens = new TokenEndpoint({
    clients,
    clientById,
    ...(options.tokenTtlSeconds !== undefined ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    ...(options.scopes !== undefined ? { scopes: options.scopes } : {}),
  });
  const handleUpload = uploadHandler({
    uploads,
    maxUploadBytes,
    faults: uploadFaults,
    findToken: (value) => tokens.findToken(value),
    clientById,
    applyRows: (rows, client) => {
      const result = applyRows(book, sites, rows, client);
      const then = afterUpload;
      afterUpload = undefined;
      then?.();
      return shapeAnswer(result, answerShape);
    },
  });
  const addressBook = (): AddressBookEntry[] => listAddressBook(book);

  // --- server ------------------------------------------------------------------------------

  const sockets = new Set<Socket>();
  const server = https.createServer(tlsOptions, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'https://sandbox.invalid').pathname;
    let work: Promise<void>;
    if (pathname === AUTH_PREFIX || pathname.startsWith(`${AUTH_PREFIX}/`)) {
      work = tokens.handle(req, res, pathname);
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
  server.on('tlsClientError', () => {
    /* refused handshakes (e.g. TLS version) are expected in tests */
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  const issuer = `${origin}${AUTH_PREFIX}`;

  tokens.configure(Provider, issuer);

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
    tokenLog: tokens.tokenLog,
    get tokenRequests() {
      return tokens.tokenRequests;
    },
    addressBook,
    seed(entries: SeedEntry[]) {
      seedAddressBook(book, entries);
    },
    failNextUploads(count: number, status: number, retryAfterSeconds?: number) {
      uploadFaults.set(count, status, retryAfterSeconds);
    },
    afterNextUpload(then: () => void) {
      afterUpload = then;
    },
    answerNextUploadsWithHtml(count: number, status = 200) {
      uploadFaults.set(count, status, undefined, true);
    },
    answerNextUploadsWith(count: number, body: unknown = SERVICESTACK_ERROR) {
      uploadFaults.set(count, 200, undefined, false, body);
    },
    answerUploadsAs(shape: AnswerShape) {
      answerShape = shape;
    },
    holdNextTokenRequest() {
      return tokens.holdNext();
    },
    failNextTokens(count: number, status: number, retryAfterSeconds?: number) {
      tokens.faults.set(count, status, retryAfterSeconds);
    },
    revokeTokens() {
      tokens.revokeTokens();
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
