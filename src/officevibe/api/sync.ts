// POSTs the sync request to {ApiUrl}/api/v2/sync with the API key as a bearer token, under
// roster's one TLS policy, proxy settings and retries. A sync is the whole state, so sending it
// again after a network error or a 5xx cannot apply anything twice.
import type { Logger } from '../../platform/log/logger.js';
import { sendHttps, TransportError, type HttpsResponse } from '../../platform/http/request.js';
import { withRetries } from '../../platform/http/retry.js';
import { trustOptions } from '../../platform/tls/trust.js';
import { describeTransportFailure } from '../../platform/http/failures.js';
import { interpretSyncAnswer, type SyncAnswer } from './answer.js';

const SYNC_TIMEOUT_MS = 300_000;

export interface SyncTarget {
  /** {ApiUrl}/api/v2/sync */
  url: string;
  apiKey: string;
  /** Where the key came from, for messages (never the key itself). */
  keySource: string;
  caFile: string | undefined;
}

export async function postSync(target: SyncTarget, body: string, log: Logger): Promise<SyncAnswer> {
  const tls = trustOptions(target.caFile, 'caFile');
  const url = new URL(target.url);
  const bytes = Buffer.from(body, 'utf8');
  log.debug(`POST ${url.href} (${bytes.length} bytes, bearer key from ${target.keySource})`);
  let response: HttpsResponse;
  try {
    response = await withRetries(
      'officevibe sync',
      () =>
        sendHttps({
          url,
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(bytes.length),
            authorization: `Bearer ${target.apiKey}`,
            accept: 'application/json',
          },
          body: () => bytes,
          tls,
          timeoutMs: SYNC_TIMEOUT_MS,
        }),
      log,
    );
  } catch (error) {
    if (error instanceof TransportError) throw describeTransportFailure(`officevibe: sync request to ${url.origin}${url.pathname}`, error);
    throw error;
  }
  log.debug(`officevibe answered HTTP ${response.status} (${String(response.headers['content-type'] ?? 'no content type')}, ${response.body.length} bytes)`);
  return interpretSyncAnswer(url.href, response, target.keySource);
}
