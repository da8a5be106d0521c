// Messages for HTTPS failures that happen before the service answers. Pure.
import { ServiceError } from '../errors.js';
import { redact } from '../log/redact.js';
import type { TransportError } from './request.js';

/** `caFileKey`: the config key that takes the CA file, named in the hint ("ilobby.caFile"). */
export function describeTransportFailure(what: string, error: TransportError, caFileKey = 'caFile'): ServiceError {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HOSTNAME/.test(code)) {
    return new ServiceError(`${what}: the server's TLS certificate was not accepted: ${error.message}`, {
      hint: `If a proxy inspects TLS or the service uses a private CA, set ${caFileKey} to that CA's PEM file; otherwise check the URL's host name.`,
      cause: error,
    });
  }
  if (/ERR_SSL|EPROTO|ERR_TLS/.test(code)) {
    return new ServiceError(`${what}: TLS negotiation failed (roster requires TLS 1.2 or newer): ${error.message}`, {
      hint: 'The endpoint may offer only TLS 1.0/1.1; roster will not downgrade. Check the URL or ask the service about TLS 1.2.',
      cause: error,
    });
  }
  if (code === 'EPROXY') {
    return new ServiceError(`${what}: ${error.message}`, { hint: 'Check HTTPS_PROXY and whether the proxy allows this host.', cause: error });
  }
  if (code === 'ETIMEDOUT') {
    return new ServiceError(`${what} failed: ${error.message}`, {
      hint: 'The service, or a proxy on the way (HTTPS_PROXY), stopped answering: check the network path from this server. roster did not record this push; the next run tries again.',
      cause: error,
    });
  }
  return new ServiceError(`${what} failed: ${error.message}`, {
    hint: 'Check the URL, DNS and firewall from this server; set HTTPS_PROXY if the internet is reached through a proxy.',
    cause: error,
  });
}

/** Longest part of an auth endpoint's answer that goes into a message. */
export const AUTH_ANSWER_EXCERPT = 160;

/**
 * A short excerpt of what an auth endpoint said: enough to see why, never the whole body (an endpoint
 * may echo the request, secret and all). Redacted before it is cut, so no piece of a secret remains.
 */
export function authAnswerExcerpt(text: string): string {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > AUTH_ANSWER_EXCERPT ? `${flat.slice(0, AUTH_ANSWER_EXCERPT)}…` : flat;
}
