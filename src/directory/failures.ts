// Turns what ldapts and Node's TLS stack throw into DirectoryErrors a sysadmin can act on.
// Pure: looks only at the error object.
import {
  AdminLimitExceededError,
  ConfidentialityRequiredError,
  InappropriateAuthError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
} from 'ldapts';
import { DirectoryError } from '../platform/errors.js';
import { dnProblem } from './dnHint.js';
import { ConnectionIdleError, ConnectionLostError } from './socketWatch.js';
import { sizeLimitHint, timeLimitHint } from './limitHints.js';
import type { ServerKind } from './rootDse.js';

// Active Directory explains a failed bind with a sub-code after "data" in the diagnostic message,
// e.g. "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839".
const AD_BIND_CODES: Record<string, string> = {
  '525': 'the account does not exist',
  '52e': 'invalid credentials (wrong bind DN or password)',
  '530': 'the account may not log on at this time of day',
  '531': 'the account may not log on from this computer',
  '532': "the account's password has expired",
  '533': 'the account is disabled',
  '568': 'the account is in too many groups (token too large)',
  '701': 'the account has expired',
  '773': 'the account must change its password before it can bind',
  '775': 'the account is locked out',
};

export function describeAdBindFailure(message: string): string | undefined {
  const code = /\bdata ([0-9a-f]{3,4})\b/i.exec(message)?.[1]?.toLowerCase();
  return code === undefined ? undefined : AD_BIND_CODES[code] ? `${AD_BIND_CODES[code]} (AD code ${code})` : `AD code ${code}`;
}

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
]);

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A failure to connect, negotiate TLS or bind to `url`. */
export function connectFailure(url: string, error: unknown, caFile: string | undefined): DirectoryError {
  const message = error instanceof Error ? error.message : String(error);
  const errorCode = code(error);
  if (error instanceof ConnectionIdleError) {
    return new DirectoryError(`${url} stopped answering while roster connected and bound: ${message}`, {
      hint: 'Check the network path to the directory (a firewall dropping packets, a VPN, an overloaded domain controller) and run "roster check". Raise directory.idleTimeoutSeconds only for a server known to be that slow.',
      cause: error,
    });
  }
  if (error instanceof InvalidCredentialsError) {
    const reason = describeAdBindFailure(message) ?? 'invalid credentials (wrong bind DN or password)';
    return new DirectoryError(`bind to ${url} failed: ${reason}`, {
      hint: 'Check directory.bindDn and the password in the variable or file the config names; AD accepts "user@domain" or the full DN.',
      cause: error,
    });
  }
  if (error instanceof StrongAuthRequiredError || error instanceof ConfidentialityRequiredError || error instanceof InappropriateAuthError) {
    return new DirectoryError(`${url} refused a simple bind without TLS: ${message}`, {
      hint: 'Use an ldaps:// URL, or set "startTls": true.',
      cause: error,
    });
  }
  if (errorCode !== undefined && CERTIFICATE_CODES.has(errorCode)) {
    const outOfDate = errorCode === 'CERT_HAS_EXPIRED' || errorCode === 'CERT_NOT_YET_VALID';
    return new DirectoryError(`the TLS certificate of ${url} was not accepted: ${message} (${errorCode})`, {
      hint: outOfDate
        ? 'The server\'s certificate is outside its validity dates: renew it on the domain controller (or correct this computer\'s clock), then run "roster check" again.'
        : caFile
          ? `Check that ${caFile} holds the CA that issued the server's certificate and that the URL's host name is in the certificate.`
          : "Set directory.caFile to the PEM file of the CA that issued the directory's certificate (your enterprise root CA).",
      cause: error,
    });
  }
  if (errorCode?.startsWith('ERR_SSL_') || /wrong version number|unsupported protocol|no protocols available|handshake/i.test(message)) {
    return new DirectoryError(`TLS negotiation with ${url} failed: ${message}`, {
      hint: 'roster needs TLS 1.2 or newer; check that the server offers it (and that an ldaps:// URL points at the LDAPS port, usually 636).',
      cause: error,
    });
  }
  if (errorCode === 'ENOTFOUND' || errorCode === 'EAI_AGAIN') {
    return new DirectoryError(`cannot resolve the host name of ${url} (${errorCode})`, {
      hint: "Check the name in directory.url and this server's DNS settings.",
      cause: error,
    });
  }
  if (
    errorCode === 'ECONNREFUSED' ||
    errorCode === 'EHOSTUNREACH' ||
    errorCode === 'ENETUNREACH' ||
    errorCode === 'ETIMEDOUT' ||
    /Connection timeout/i.test(message)
  ) {
    return new DirectoryError(`cannot reach ${url}: ${errorCode ?? message}`, {
      hint: 'Check the host and port, that the directory is running, and that no firewall blocks the port from this server.',
      cause: error,
    });
  }
  return new DirectoryError(`connecting to ${url} failed: ${message}`, { cause: error });
}

/** A failure while searching `base` on `server`. Every such failure makes the extract unusable. */
export function searchFailure(url: string, base: string, error: unknown, timeoutSeconds: number, server?: ServerKind): DirectoryError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NoSuchObjectError) {
    return new DirectoryError(`search base "${base}" does not exist on ${url}`, {
      hint: 'Check the spelling in directory.searchBases (the full DN, e.g. "OU=Staff,DC=corp,DC=example,DC=com") and that the OU was not moved or renamed.',
      cause: error,
    });
  }
  if (error instanceof InvalidDNSyntaxError) {
    const problem = dnProblem(base);
    return new DirectoryError(`search base "${base}" is not a valid DN${problem ? `: ${problem}` : ''} (${url} said: ${message})`, {
      hint: 'Fix it in directory.searchBases: the full DN, NAME=value parts separated by commas, e.g. "OU=Staff,DC=corp,DC=example,DC=com"; a comma, +, ", \\, <, > or ; inside a value needs a backslash before it ("OU=Sales\\, East,…"). "roster check" shows what each search base finds.',
      cause: error,
    });
  }
  if (error instanceof ConnectionIdleError) {
    return new DirectoryError(`${url} stopped answering during the search of "${base}": ${message}; the extract would be partial, so nothing is written`, {
      hint: "Run again; if it keeps happening, check the network path to the directory and the server's load. A search whose filter makes the server think longer than that before its first page (e.g. nested memberOf on a large domain) needs a larger directory.idleTimeoutSeconds.",
      cause: error,
    });
  }
  if (error instanceof SizeLimitExceededError || error instanceof AdminLimitExceededError) {
    return new DirectoryError(`the directory stopped the search of "${base}" at its size limit; the extract would be partial, so nothing is written`, {
      hint: sizeLimitHint(server),
      cause: error,
    });
  }
  if (error instanceof TimeLimitExceededError || /timed out/i.test(message)) {
    return new DirectoryError(`the search of "${base}" did not finish within ${timeoutSeconds} s; the extract would be partial, so nothing is written`, {
      hint: timeLimitHint(server),
      cause: error,
    });
  }
  if (error instanceof ConnectionLostError || /closed|socket|ECONNRESET|EPIPE/i.test(message) || code(error) === 'ECONNRESET') {
    return new DirectoryError(`the connection to ${url} was lost during the search of "${base}"; the extract would be partial, so nothing is written`, {
      hint: "Run again; if it keeps happening, check the network path and the directory's idle and connection limits.",
      cause: error,
    });
  }
  return new DirectoryError(`the search of "${base}" on ${url} failed: ${message}`, { cause: error });
}
