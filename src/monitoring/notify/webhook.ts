// Posts a notification to an HTTPS webhook (Teams, Slack, or any receiver of JSON) with the
// HTTPS client the service targets use: the same TLS policy, caFile and HTTPS_PROXY/NO_PROXY.
import type { WebhookChannel } from '../../config/types.js';
import { registerSecret } from '../../platform/log/redact.js';
import { sendHttps } from '../../platform/http/request.js';
import { trustOptions } from '../../platform/tls/trust.js';

/** Posts `body` once (no retry: a notification must not hold the run up); resolves with the answer. */
export async function sendWebhook(channel: WebhookChannel, body: string): Promise<string> {
  const url = new URL(channel.url);
  // A Teams or Slack webhook URL is itself the credential: it never goes into a log line.
  registerSecret(url.href);
  if (url.pathname.length > 1) registerSecret(`${url.pathname}${url.search}`);
  const bytes = Buffer.from(body, 'utf8');
  const response = await sendHttps({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length), 'user-agent': 'roster' },
    body: () => bytes,
    tls: trustOptions(channel.caFile, `${channel.key}.caFile`),
    timeoutMs: channel.timeoutSeconds * 1000,
  });
  if (response.status >= 200 && response.status < 300) return `${url.origin} answered HTTP ${response.status}`;
  const answer = response.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
  throw new Error(`${url.origin} answered HTTP ${response.status}${answer ? `: ${answer}` : ''}`);
}
