// Whether a 2xx answer from the upload endpoint is the service's own "accepted" answer. A proxy,
// captive portal or sign-in page in front of the service can answer 200 with an HTML page that
// accepted nothing; taken for a success it would become the baseline of the next run's safety
// checks. The service answers a JSON object (counts of rows received, created, updated, disabled
// and per-line errors); an error carries an "error" member. Pure.
import type { IncomingHttpHeaders } from 'node:http';

/** Why this 2xx answer is not the service's success answer, or undefined when it is. */
export function uploadAnswerProblem(headers: IncomingHttpHeaders, body: Buffer): string | undefined {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  const text = body
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (text === '') return 'an empty answer';
  if (type.includes('html') || /^<(!doctype|html|head|body)\b/i.test(text)) return "an HTML page, not the service's JSON answer";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `not JSON (${type || 'no content type'})`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return "JSON, but not the service's answer object";
  if ('error' in json && json.error !== undefined && json.error !== null && json.error !== false) return 'an error answer';
  return undefined;
}
