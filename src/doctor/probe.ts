// The network layers of one directory URL, each probed on its own so that `roster check` can say
// exactly which one fails: DNS, TCP, then TLS (ldaps://, or the StartTLS upgrade of ldap://).
// Nothing is sent over these connections but the StartTLS request; the bind and the searches use
// roster's own connection code (directory/connect.ts) afterwards.
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Client } from 'ldapts';
import { tlsOptionsFor } from '../directory/connect.js';
import { certificateInfo, type CertificateInfo } from './certificate.js';

const TIMEOUT_MS = 15_000;

export interface Endpoint {
  url: string;
  host: string;
  port: number;
  /** ldaps://: TLS from the first byte. */
  ldaps: boolean;
}

export interface TlsSession {
  protocol: string;
  cipher: string;
  certificate: CertificateInfo | undefined;
}

export function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  const ldaps = parsed.protocol === 'ldaps:';
  return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || (ldaps ? 636 : 389)), ldaps };
}

/** The addresses the host name resolves to, or undefined for an IP address (nothing to look up). */
export async function resolveHost(host: string): Promise<string[] | undefined> {
  if (isIP(host) !== 0) return undefined;
  const answers = await withTimeout(lookup(host, { all: true }), `looking up ${host}`);
  return answers.map((answer) => answer.address);
}

/** Opens and closes a TCP connection; returns the address that answered and how long it took. */
export function connectTcp(endpoint: Endpoint): Promise<{ address: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = netConnect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(timeoutError(`connecting to ${endpoint.host}:${endpoint.port}`)));
    socket.once('connect', () => {
      const address = socket.remoteFamily === 'IPv6' ? `[${socket.remoteAddress}]:${socket.remotePort}` : `${socket.remoteAddress}:${socket.remotePort}`;
      socket.destroy();
      resolve({ address, ms: Date.now() - started });
    });
    socket.once('error', reject);
  });
}

/**
 * Negotiates TLS with roster's directory TLS options (tlsOptionsFor: TLS 1.2+, caFile, host name
 * check). With `verify: false` the certificate is only read, never trusted: `roster check` uses
 * that after a failed handshake to show which certificate the server presented.
 */
export async function probeTls(endpoint: Endpoint, caFile: string | undefined, verify = true): Promise<TlsSession> {
  const options: ConnectionOptions = { ...tlsOptionsFor(endpoint.url, caFile), ...(verify ? {} : { rejectUnauthorized: false }) };
  if (endpoint.ldaps) return handshake(tlsConnect({ ...options, port: endpoint.port }));
  return startTls(endpoint, options);
}

/** The certificate the server presents, without judging it; undefined if that fails too. */
export async function peekCertificate(endpoint: Endpoint, caFile: string | undefined): Promise<CertificateInfo | undefined> {
  try {
    return (await probeTls(endpoint, caFile, false)).certificate;
  } catch {
    return undefined;
  }
}

function handshake(socket: TLSSocket): Promise<TlsSession> {
  return new Promise((resolve, reject) => {
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(timeoutError('the TLS handshake')));
    socket.once('secureConnect', () => {
      const session = sessionOf(socket);
      socket.destroy();
      resolve(session);
    });
    socket.once('error', (error: Error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/** The StartTLS extended operation (RFC 4513) through ldapts, keeping hold of the TLS socket. */
async function startTls(endpoint: Endpoint, options: ConnectionOptions): Promise<TlsSession> {
  const sockets: Socket[] = [];
  let secure: TLSSocket | undefined;
  const client = new Client({
    url: endpoint.url,
    connectTimeout: TIMEOUT_MS,
    timeout: TIMEOUT_MS,
    strictDN: false,
    // The casts pick the one overload of net.connect and tls.connect that ldapts calls.
    createConnection: ((port: number, host: string) => {
      const socket = netConnect(port, host);
      sockets.push(socket);
      return socket;
    }) as typeof netConnect,
    createSecureConnection: ((tlsOptions: ConnectionOptions) => {
      secure = tlsConnect(tlsOptions);
      sockets.push(secure);
      return secure;
    }) as typeof tlsConnect,
  });
  try {
    await client.startTLS(options);
    if (secure === undefined) throw new Error('StartTLS succeeded without a TLS socket');
    return sessionOf(secure);
  } finally {
    // The TLS socket first: destroying the plain socket under a live TLS socket can crash Node.
    for (const socket of sockets.reverse()) socket.destroy();
  }
}

function sessionOf(socket: TLSSocket): TlsSession {
  const cipher = socket.getCipher();
  return {
    protocol: socket.getProtocol() ?? 'unknown protocol',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown cipher',
    certificate: certificateInfo(socket.getPeerCertificate()),
  };
}

function timeoutError(what: string): Error {
  return Object.assign(new Error(`${what} got no answer within ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' });
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(what)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
