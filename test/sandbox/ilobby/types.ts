// The public vocabulary of the iLobby sandbox: the CSV header the service expects, the default
// sites and client credentials, and every option, record and handle type that tests see. It holds
// no behaviour, so the other sandbox modules (and `../ilobby.ts`, which re-exports all of it) can
// share these types without importing each other.
import type { SecureVersion } from 'node:tls';
import type { CertificateAuthority } from '../../harness/certs.js';
import type { AnswerShape } from './answers.js';

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
  errors: { line: number; email?: string; message: string }[];
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
  /** Runs `then` right after the next upload is applied, before it is answered (e.g. to break the state folder). */
  afterNextUpload(then: () => void): void;
  /** The next `count` uploads get `status` (default 200) with an HTML page, as a captive portal or sign-in page sends, without being applied. */
  answerNextUploadsWithHtml(count: number, status?: number): void;
  /** The next `count` uploads get HTTP 200 with this JSON (default: a ServiceStack error answer), without being applied. */
  answerNextUploadsWith(count: number, body?: unknown): void;
  /** How every later upload's result is answered (default "flat"); see answers.ts. */
  answerUploadsAs(shape: AnswerShape): void;
  /**
   * Holds the next token request before it is answered: `arrived` resolves when it comes in,
   * and it is answered once `release` is called (e.g. to change files while roster waits).
   */
  holdNextTokenRequest(): { arrived: Promise<void>; release: () => void };
  /** The next `count` token requests get `status` (and `Retry-After`), oidc-provider never sees them. */
  failNextTokens(count: number, status: number, retryAfterSeconds?: number): void;
  /** Invalidate every token issued so far (uploads with them get 401 afterwards). */
  revokeTokens(): void;
  stop(): Promise<void>;
}
