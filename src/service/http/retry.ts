// When and how long to wait before trying a request again. Network errors, 408, 429 and 5xx
// are retried with exponential backoff and full jitter, honouring Retry-After, within a bounded
// total time; any other 4xx is final (sending the same thing again cannot fix it).
import type { Logger } from '../../log/logger.js';
import type { HttpsResponse } from './request.js';
import { TransportError } from './request.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts after this much time since the first. */
  totalBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, totalBudgetMs: 90_000 };

// Certificate and protocol failures are configuration problems: retrying cannot help.
const FINAL_TRANSPORT_CODE = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO|ERR_INSECURE_URL|HOSTNAME|ALTNAME/;

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function isRetryableTransport(error: TransportError): boolean {
  return error.code === undefined || !FINAL_TRANSPORT_CODE.test(error.code);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full jitter: a random wait between 0 and the exponential ceiling for this attempt (1-based). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RetryClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Runs `attempt` until it gives a final answer. Returns the last response (which may be an
 * error status) or throws the last TransportError.
 */
export async function withRetries(
  what: string,
  attempt: () => Promise<HttpsResponse>,
  log: Logger,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: RetryClock = realClock,
): Promise<HttpsResponse> {
  const started = clock.now();
  for (let n = 1; ; n += 1) {
    let waitMs: number;
    let reason: string;
    try {
      const response = await attempt();
      if (!isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers['retry-after'], clock.now());
      waitMs = retryAfter ?? backoffMs(n, policy);
      reason = `HTTP ${response.status}${retryAfter !== undefined ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''}`;
      if (n >= policy.maxAttempts || clock.now() + waitMs - started > policy.totalBudgetMs) return response;
    } catch (error) {
      if (!(error instanceof TransportError) || !isRetryableTransport(error)) throw error;
      waitMs = backoffMs(n, policy);
      reason = error.message;
      if (n >= policy.maxAttempts || clock.now() + waitMs - started > policy.totalBudgetMs) throw error;
    }
    log.warn(`${what}: attempt ${n} failed (${reason}); trying again in ${(waitMs / 1000).toFixed(1)} s`);
    await clock.sleep(waitMs);
  }
}
