// A Fetch-API function over sendHttps, so openid-client's requests (discovery, token) follow
// the same TLS policy, proxy settings and retries as the upload.
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '../log/logger.js';
import { sendHttps } from './request.js';
import { attemptTimeoutMs, DEFAULT_RETRY_POLICY, withRetries, type TimeBudget } from './retry.js';

type FetchLike = (url: string, options: { body?: unknown; headers?: Record<string, string>; method?: string }) => Promise<Response>;

export function policyFetch(tls: ConnectionOptions, timeoutMs: number, log: Logger, what: string, budget?: TimeBudget): FetchLike {
  return async (url, options) => {
    const body = toBuffer(options.body);
    const response = await withRetries(
      what,
      (timeLeftMs) =>
        sendHttps({
          url: new URL(url),
          method: options.method === 'POST' ? 'POST' : 'GET',
          headers: options.headers ?? {},
          body: body === undefined ? undefined : () => body,
          tls,
          timeoutMs: attemptTimeoutMs(timeoutMs, timeLeftMs),
        }),
      log,
      DEFAULT_RETRY_POLICY,
      undefined,
      budget,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const nullBody = response.status === 204 || response.status === 304;
    return new Response(nullBody ? null : response.body, { status: response.status, headers });
  };
}

function toBuffer(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new Error('policyFetch: streaming request bodies are not used by roster');
}
