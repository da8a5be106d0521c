// When and how long to wait before trying a request again. Network errors, 408, 429 and 5xx
// are retried with exponential backoff and full jitter, honouring Retry-After, within a bounded
// total time; any other 4xx is final (sending the same thing again cannot fix it). A TimeBudget
// bounds a whole push (token and upload, every attempt and wait): each attempt's deadline is cut
// to what is left of it, and nothing is tried once it is spent.
import type { Logger } from '../log/logger.js';
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

/** The most time a whole push may take, as a fixed end on the retry clock. */
export interface TimeBudget {
  endsAt: number;
  /** The setting that gave it, with its value, for messages: "ilobby.timeoutSeconds: 600 s". */
  setting: string;
}

export function timeBudget(seconds: number, setting: string, now: number = Date.now()): TimeBudget {
  return { endsAt: now + seconds * 1000, setting: `${setting}: ${seconds} s` };
}

/** An attempt's own time limit, cut to what is left of the budget. */
export function attemptTimeoutMs(limitMs: number, timeLeftMs: number): number {
  return Math.max(1, Math.min(limitMs, timeLeftMs));
}

function budgetSpent(error: TransportError, budget: TimeBudget): TransportError {
  return new TransportError(`${error.message}; the push's time budget (${budget.setting}) is spent`, error.code, { cause: error.cause ?? error });
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RetryClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Runs `attempt` until it gives a final answer. Returns the last response (which may be an
 * error status) or throws the last TransportError. `attempt` is given the time left of `budget`
 * (Infinity without one), to cut its own deadline to.
 */
export async function withRetries(
  what: string,
  attempt: (timeLeftMs: number) => Promise<HttpsResponse>,
  log: Logger,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: RetryClock = realClock,
  budget?: TimeBudget,
): Promise<HttpsResponse> {
  const started = clock.now();
  const overBudget = (at: number) => budget !== undefined && at >= budget.endsAt;
  for (let n = 1; ; n += 1) {
    let waitMs: number;
    let reason: string;
    if (budget !== undefined && overBudget(clock.now())) {
      throw budgetSpent(new TransportError(`${what} could not start`, 'ETIMEDOUT'), budget);
    }
    try {
      const response = await attempt(budget === undefined ? Infinity : budget.endsAt - clock.now());
      if (!isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers['retry-after'], clock.now());
      waitMs = retryAfter ?? backoffMs(n, policy);
      reason = `HTTP ${response.status}${retryAfter !== undefined ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''}`;
      if (n >= policy.maxAttempts || clock.now() + waitMs - started > policy.totalBudgetMs || overBudget(clock.now() + waitMs)) return response;
    } catch (error) {
      if (!(error instanceof TransportError) || !isRetryableTransport(error)) throw error;
      waitMs = backoffMs(n, policy);
      reason = error.message;
      if (budget !== undefined && overBudget(clock.now() + waitMs)) throw budgetSpent(error, budget);
      if (n >= policy.maxAttempts || clock.now() + waitMs - started > policy.totalBudgetMs) throw error;
    }
    log.warn(`${what}: attempt ${n} failed (${reason}); trying again in ${(waitMs / 1000).toFixed(1)} s`);
    await clock.sleep(waitMs);
  }
}
