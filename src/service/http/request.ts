// One HTTPS request under roster's TLS policy, directly or through an HTTP CONNECT proxy.
// Returns the status and body; it never retries (see retry.ts) and never follows redirects.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Duplex, Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { proxyFor } from './proxy.js';

export interface HttpsRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Made anew for every attempt, so a stream can be sent again on retry. */
  body?: () => Buffer | Readable;
  tls: ConnectionOptions;
  timeoutMs: number;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A failure before any HTTP status came back: DNS, TCP, TLS, proxy, timeout. `code` is Node's. */
export class TransportError extends Error {
  constructor(message: string, readonly code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export function sendHttps(req: HttpsRequest, env: NodeJS.ProcessEnv = process.env): Promise<HttpsResponse> {
  if (req.url.protocol !== 'https:') return Promise.reject(new TransportError(`${req.url.origin} is not an https:// URL`, 'ERR_INSECURE_URL'));
  const proxy = proxyFor(req.url, env);
  const port = Number(req.url.port || 443);
  const options: RequestOptions = {
    method: req.method,
    host: req.url.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: `${req.url.pathname}${req.url.search}`,
    headers: req.headers,
    ...req.tls,
    servername: isIpLiteral(req.url.hostname) ? undefined : req.url.hostname,
    // No pooling: a run makes a handful of requests. Through a proxy there must be no agent
    // at all, or Node ignores createConnection.
    agent: proxy === undefined ? false : undefined,
    timeout: req.timeoutMs,
  };
  if (proxy !== undefined) {
    options.createConnection = (_opts, created: (error: Error | null, socket: Duplex) => void) => {
      tunnel(proxy, options.host as string, port, req.tls, options.servername, req.timeoutMs).then(
        (socket) => created(null, socket),
        (error: Error) => created(error, undefined as unknown as Duplex),
      );
      return undefined as unknown as Duplex;
    };
  }
  return new Promise((resolve, reject) => {
    const request = httpsRequest(options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', (error) => reject(transportError(error, req.url)));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${req.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', (error) => reject(transportError(error, req.url)));
    const body = req.body?.();
    if (body === undefined) request.end();
    else if (Buffer.isBuffer(body)) request.end(body);
    else {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    }
  });
}

/** Opens a TLS connection to host:port through an HTTP proxy's CONNECT method. */
function tunnel(proxy: URL, host: string, port: number, tls: ConnectionOptions, servername: string | undefined, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    if (proxy.username) {
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    }
    const connect = httpRequest({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80), method: 'CONNECT', path: authority, headers, timeout: timeoutMs });
    connect.on('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxy.host} answered CONNECT with ${response.statusCode}`), { code: 'EPROXY' }));
        return;
      }
      const secure = tlsConnect({ ...tls, socket, servername, host });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', reject);
    });
    connect.on('timeout', () => connect.destroy(Object.assign(new Error(`the proxy ${proxy.host} did not answer`), { code: 'ETIMEDOUT' })));
    connect.on('error', (error) => reject(Object.assign(error, { proxy: proxy.host })));
    connect.end();
  });
}

function isIpLiteral(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.includes(':');
}

function transportError(error: Error, url: URL): TransportError {
  const code = (error as NodeJS.ErrnoException).code;
  const viaProxy = 'proxy' in error ? ` (via proxy ${String(error.proxy)})` : '';
  return new TransportError(`${url.origin}${viaProxy}: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`, code, { cause: error });
}
