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
  /** The most of the answer's body kept (default 1 MiB); the rest is read and dropped, and `truncated` says so. */
  maxBodyBytes?: number;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than `maxBodyBytes`: `body` is only its beginning. */
  truncated?: true;
}

/** A failure before any HTTP status came back: DNS, TCP, TLS, proxy, timeout. `code` is Node's. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One attempt. Everything it does (DNS, connect, the proxy's CONNECT, the TLS handshake, sending,
 * the answer and its body) runs under one deadline, `timeoutMs` from the start: a peer that stops
 * answering at any step ends the attempt with ETIMEDOUT, naming the step, and every socket of it
 * is closed (an open socket would keep the process, and its lock, alive).
 */
export function sendHttps(req: HttpsRequest, env: NodeJS.ProcessEnv = process.env): Promise<HttpsResponse> {
  if (req.url.protocol !== 'https:') return Promise.reject(new TransportError(`${req.url.origin} is not an https:// URL`, 'ERR_INSECURE_URL'));
  const proxy = proxyFor(req.url, env);
  const maxBodyBytes = req.maxBodyBytes ?? MAX_BODY_BYTES;
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
  };
  // What the attempt is waiting for, so a timeout says where it stalled.
  let step = proxy === undefined ? `connecting to ${req.url.host}` : `connecting to the proxy ${proxy.host}`;
  const setStep = (now: string) => {
    step = now;
  };
  const ended = new AbortController();
  if (proxy !== undefined) {
    options.createConnection = (_opts, created: (error: Error | null, socket: Duplex) => void) => {
      tunnel(proxy, options.host as string, port, req.tls, options.servername, ended.signal, setStep).then(
        (socket) => created(null, socket),
        // Node's type wants a socket even with an error; Node itself passes none then.
        (error: Error) => created(error, undefined as unknown as Duplex),
      );
      return undefined;
    };
  }
  return new Promise<HttpsResponse>((resolve, reject) => {
    // Set below, once the request exists; succeed and fail may clear it before that.
    let deadline: NodeJS.Timeout | undefined = undefined;
    const succeed = (response: HttpsResponse) => {
      clearTimeout(deadline);
      resolve(response);
    };
    const fail = (error: Error) => {
      clearTimeout(deadline);
      ended.abort(error);
      reject(transportError(error, req.url));
    };
    const request = httpsRequest(options, (response) => {
      setStep('reading the answer');
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBodyBytes) chunks.push(chunk);
      });
      response.on('end', () =>
        succeed({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          ...(size > maxBodyBytes ? { truncated: true as const } : {}),
        }),
      );
      response.on('error', fail);
    });
    deadline = setTimeout(() => {
      const error = Object.assign(
        new Error(`no answer within ${seconds(req.timeoutMs)} s (${step})`),
        { code: 'ETIMEDOUT' },
        proxy ? { proxy: proxy.host } : {},
      );
      fail(error);
      request.destroy(error);
    }, req.timeoutMs);
    request.once('socket', (socket) => {
      if (proxy !== undefined) return; // the tunnel reports its own steps
      socket.once('connect', () => setStep('TLS handshake'));
      socket.once('secureConnect', () => setStep('sending the request'));
    });
    request.once('finish', () => setStep('waiting for the answer'));
    request.on('error', fail);
    const body = req.body?.();
    if (body === undefined) request.end();
    else if (Buffer.isBuffer(body)) request.end(body);
    else {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    }
  });
}

/**
 * Opens a TLS connection to host:port through an HTTP proxy's CONNECT method. Ends, closing what
 * it opened, as soon as `ended` is aborted (the attempt's deadline).
 */
function tunnel(
  proxy: URL,
  host: string,
  port: number,
  tls: ConnectionOptions,
  servername: string | undefined,
  ended: AbortSignal,
  setStep: (step: string) => void,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    if (ended.aborted) {
      reject(ended.reason as Error); // the attempt's fail() aborts it with the Error it fails with
      return;
    }
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    if (proxy.username) {
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    }
    const opened: { destroy(): void }[] = [];
    const onEnded = () => {
      for (const item of opened) item.destroy();
      reject(Object.assign(ended.reason instanceof Error ? ended.reason : new Error('the request ended'), { proxy: proxy.host }));
    };
    ended.addEventListener('abort', onEnded, { once: true });
    const settle = () => ended.removeEventListener('abort', onEnded);
    const connect = httpRequest({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80), method: 'CONNECT', path: authority, headers });
    opened.push(connect);
    connect.once('socket', (socket) => socket.once('connect', () => setStep(`waiting for the proxy ${proxy.host} to answer CONNECT`)));
    connect.on('connect', (response, socket) => {
      opened.push(socket);
      if (response.statusCode !== 200) {
        settle();
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxy.host} answered CONNECT with ${response.statusCode}`), { code: 'EPROXY' }));
        return;
      }
      setStep(`TLS handshake through the proxy ${proxy.host}`);
      const secure = tlsConnect({ ...tls, socket, servername, host });
      opened.push(secure);
      secure.once('secureConnect', () => {
        setStep('sending the request');
        settle();
        resolve(secure);
      });
      secure.once('error', (error: Error) => {
        settle();
        reject(error);
      });
    });
    connect.on('error', (error) => {
      settle();
      reject(Object.assign(error, { proxy: proxy.host }));
    });
    connect.end();
  });
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(1)));
}

function isIpLiteral(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.includes(':');
}

function transportError(error: Error, url: URL): TransportError {
  const code = (error as NodeJS.ErrnoException).code;
  const viaProxy = 'proxy' in error ? ` (via proxy ${String(error.proxy)})` : '';
  return new TransportError(`${url.origin}${viaProxy}: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`, code, { cause: error });
}
