// Uploads the address-book CSV: multipart/form-data, field "file", bearer token, under the shared
// TLS policy and retries. The file is sent from the very bytes the safety checks judged, never
// read again from a path another process could write in the meantime.
import { basename } from 'node:path';
import FormData from 'form-data';
import type { IlobbyTarget } from '../../config/types.js';
import { CredentialsRejectedError, ServiceError } from '../../platform/errors.js';
import type { Logger } from '../../platform/log/logger.js';
import { sendHttps, TransportError, type HttpsResponse } from '../../platform/http/request.js';
import { attemptTimeoutMs, DEFAULT_RETRY_POLICY, withRetries, type TimeBudget } from '../../platform/http/retry.js';
import { trustOptions } from '../../platform/tls/trust.js';
import { pushBudget } from './budget.js';
import { describeTransportFailure } from '../../platform/http/failures.js';
import { readUploadAnswer, type AcceptedAnswer } from './answer.js';

const UPLOAD_TIMEOUT_MS = 300_000;
/**
 * The most of the upload's answer roster reads. An answer that lists every rejected row with the
 * service's message runs to a few hundred bytes a row: a megabyte for a few thousand rows, which
 * a misspelt site can reject in a large company.
 */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface UploadResult {
  status: number;
  /** The service's answer, shortened, for the log and the report. */
  answer: string;
  /** What the answer says the service did. */
  reading: AcceptedAnswer;
}

/** The CSV to send: its bytes, and the name of the file it was written to (the part's filename). */
export interface CsvUpload {
  bytes: Uint8Array;
  file: string;
}

/** `budget`: what is left of the push's time (the token request spent some of it). */
export async function uploadCsv(
  target: IlobbyTarget,
  csv: CsvUpload,
  token: string,
  log: Logger,
  budget: TimeBudget = pushBudget(target),
): Promise<UploadResult> {
  const tls = trustOptions(target.caFile, target.caFileKey ?? 'ilobby.caFile');
  const filename = basename(csv.file).toLowerCase().endsWith('.csv') ? basename(csv.file) : `${basename(csv.file)}.csv`;
  const bytes = Buffer.from(csv.bytes.buffer, csv.bytes.byteOffset, csv.bytes.byteLength);
  const url = new URL(target.uploadUrl);
  let response: HttpsResponse;
  try {
    response = await withRetries(
      `upload to ${target.name}`,
      async (timeLeftMs) => {
        // A new form per attempt: a form is a stream, read only once.
        const form = new FormData();
        form.append('file', bytes, { filename, contentType: 'text/csv' });
        const length = await new Promise<number>((resolve, reject) => form.getLength((error, n) => (error ? reject(error) : resolve(n))));
        return sendHttps({
          url,
          method: 'POST',
          headers: { ...form.getHeaders(), 'content-length': String(length), authorization: `Bearer ${token}`, accept: 'application/json, */*' },
          body: () => form,
          tls,
          timeoutMs: attemptTimeoutMs(UPLOAD_TIMEOUT_MS, timeLeftMs),
          maxBodyBytes: MAX_ANSWER_BYTES,
        });
      },
      log,
      DEFAULT_RETRY_POLICY,
      undefined,
      budget,
    );
  } catch (error) {
    if (error instanceof TransportError)
      throw describeTransportFailure(`${target.name}: upload to ${url.origin}${url.pathname}`, error, target.caFileKey ?? 'ilobby.caFile');
    throw error;
  }
  const answer = excerpt(response.body);
  if (response.status >= 200 && response.status < 300) {
    if (response.truncated) {
      throw new ServiceError(
        `${target.name}: the upload endpoint answered HTTP ${response.status} with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, which roster does not read whole, so it cannot tell what the service took: ${answer}`,
        { hint: 'Keep this log and ask iLobby what the answer means. The last push is not updated.' },
      );
    }
    const reading = readUploadAnswer(response.headers, response.body);
    if (reading.accepted) return { status: response.status, answer, reading };
    throw new ServiceError(
      `${target.name}: the upload endpoint answered HTTP ${response.status} with ${reading.problem}, so the upload is not counted as done: ${answer}`,
      {
        hint: !reading.fromService
          ? 'Something other than the service may have answered (a proxy, a captive portal, a sign-in page): check uploadUrl and HTTPS_PROXY. The last push is not updated.'
          : 'The service says the upload failed; its answer above says why. The last push is not updated: run again once the cause is fixed.',
      },
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new CredentialsRejectedError(`${target.name}: the upload endpoint refused our token (HTTP ${response.status}): ${answer}`, {
      hint: 'The token was issued but not accepted for uploads: check that this client id is enabled for the address-book API.',
    });
  }
  throw new ServiceError(`${target.name}: the upload was refused with HTTP ${response.status}: ${answer}`, {
    hint:
      response.status >= 500
        ? 'The service had a problem; roster already retried. Run again later.'
        : 'The service did not accept the file; the answer above says why.',
  });
}

function excerpt(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(empty answer)';
}
