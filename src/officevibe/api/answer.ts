// What Officevibe's answer to a sync means. Pure: looks only at the status, headers and body.
// The service answers {isSuccess, errors[]}; a wrong key is not a 401 but its HTML sign-in page
// with status 200 (or a redirect to it), so HTML where JSON was expected, or a redirect to a sign-in
// page, means the key was not accepted.
import type { IncomingHttpHeaders } from 'node:http';
import { isObject } from '../../config/reader.js';
import { CredentialsRejectedError, ServiceError } from '../../platform/errors.js';

export interface SyncAnswer {
  status: number;
  /** Errors the service listed even though it reported success (shown as warnings). */
  errors: string[];
}

const ERRORS_SHOWN = 20;

export function interpretSyncAnswer(url: string, response: { status: number; headers: IncomingHttpHeaders; body: Buffer }, keySource: string): SyncAnswer {
  const { status } = response;
  const text = response.body.toString('utf8');
  const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
  const keyHint = `Check the API key in ${keySource} (Officevibe: Admin → Integrations → Custom Integration (API), where a new key can be generated) and that the Custom Integration is activated.`;
  const html = contentType.includes('text/html') || /^\s*<(!doctype|html)/i.test(text);

  if (status === 401 || status === 403 || (html && status >= 200 && status < 300)) {
    const how = html ? 'answered with an HTML page (its sign-in page) instead of JSON' : `answered HTTP ${status}`;
    throw new CredentialsRejectedError(`officevibe: the API key was not accepted: ${url} ${how}`, { hint: keyHint });
  }
  if (status >= 300 && status < 400 && isSignInPage(response.headers.location)) {
    throw new CredentialsRejectedError(
      `officevibe: the API key was not accepted: ${url} answered with a redirect (HTTP ${status}) to its sign-in page ${String(response.headers.location)}`,
      { hint: keyHint },
    );
  }
  if (status >= 300 && status < 400) {
    throw new ServiceError(`officevibe: ${url} answered with a redirect (HTTP ${status}) to ${String(response.headers.location ?? '(no location)')}`, {
      hint: 'Check ApiUrl: it must be the address of the Officevibe API itself, e.g. "https://app.officevibe.com".',
    });
  }
  const answer = parseJson(text);
  if (isObject(answer) && typeof answer.isSuccess === 'boolean') {
    const errors = Array.isArray(answer.errors) ? answer.errors.map(describeError) : [];
    if (answer.isSuccess && status >= 200 && status < 300) return { status, errors };
    const listed =
      errors.length === 0
        ? ' (no errors listed)'
        : `:\n  - ${errors.slice(0, ERRORS_SHOWN).join('\n  - ')}${errors.length > ERRORS_SHOWN ? `\n  - … and ${errors.length - ERRORS_SHOWN} more` : ''}`;
    throw new ServiceError(`officevibe: the service refused the sync (isSuccess: false, HTTP ${status})${listed}`, {
      hint: 'The errors above come from Officevibe and say what to change in the files. This push is not recorded as successful.',
    });
  }
  const excerpt = shorten(text);
  if (status >= 200 && status < 300) {
    throw new ServiceError(`officevibe: ${url} answered HTTP ${status} without the expected {isSuccess, errors} JSON: ${excerpt}`, {
      hint: "Check ApiUrl; if it is right, the service may have changed: keep dump.json (--dump-request) and the log for Officevibe's support.",
    });
  }
  throw new ServiceError(`officevibe: ${url} answered HTTP ${status}: ${excerpt}`, {
    hint:
      status >= 500
        ? 'The service had a problem; roster already retried. Run again later.'
        : 'The service did not accept the request; the answer above says why.',
  });
}

/** A redirect to a sign-in page is how a web app answers an unknown key, like the sign-in page itself. */
function isSignInPage(location: string | undefined): boolean {
  if (location === undefined) return false;
  let path: string;
  try {
    path = new URL(location, 'https://service.invalid').pathname;
  } catch {
    return false;
  }
  return /(^|\/)(log-?in|sign-?in|auth(orize)?|sso)(\/|$)/i.test(path);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/** An error of the answer's list, which may be a string or an object with a message. */
function describeError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error)) {
    for (const key of ['message', 'errorMessage', 'description']) {
      const value = error[key];
      if (typeof value === 'string') return value;
    }
  }
  return JSON.stringify(error);
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat || '(empty answer)';
}
