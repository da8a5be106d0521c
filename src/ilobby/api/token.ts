// Gets an OAuth2 access token with the client_credentials grant (openid-client 6), either
// from a configured tokenUrl or from the issuer's OpenID discovery document.
import * as oidc from 'openid-client';
import { readSecret } from '../../config/secrets.js';
import type { IlobbyTarget } from '../../config/types.js';
import { CredentialsRejectedError, ServiceError } from '../../platform/errors.js';
import type { Logger } from '../../platform/log/logger.js';
import { registerSecret } from '../../platform/log/redact.js';
import { policyFetch } from '../../platform/http/fetch.js';
import { TransportError } from '../../platform/http/request.js';
import { trustOptions } from '../../platform/tls/trust.js';
import type { TimeBudget } from '../../platform/http/retry.js';
import { pushBudget } from './budget.js';
import { authAnswerExcerpt, describeTransportFailure } from '../../platform/http/failures.js';

const TOKEN_TIMEOUT_MS = 30_000;

// OAuth2 error codes (RFC 6749 §5.2) that mean our client id, secret or grant is not accepted.
const CREDENTIAL_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant', 'invalid_scope', 'access_denied']);

/** `budget`: what is left of the push's time; without one (roster check) the target's own. */
export async function fetchAccessToken(target: IlobbyTarget, log: Logger, budget: TimeBudget = pushBudget(target)): Promise<string> {
  const secret = readSecret(target.clientSecret);
  const tls = trustOptions(target.caFile, target.caFileKey ?? 'ilobby.caFile');
  const fetch = policyFetch(tls, TOKEN_TIMEOUT_MS, log, `token request for ${target.name}`, budget);
  const auth = target.authMethod === 'client_secret_basic' ? oidc.ClientSecretBasic(secret) : oidc.ClientSecretPost(secret);
  const endpoint = target.tokenUrl ?? target.issuer ?? '';
  try {
    let config: oidc.Configuration;
    if (target.tokenUrl !== undefined) {
      // A bare token URL: the issuer identifier only matters for ID tokens, which this grant has none of.
      config = new oidc.Configuration({ issuer: new URL(target.tokenUrl).origin, token_endpoint: target.tokenUrl }, target.clientId, undefined, auth);
      config[oidc.customFetch] = fetch;
    } else {
      config = await oidc.discovery(new URL(target.issuer ?? ''), target.clientId, undefined, auth, { [oidc.customFetch]: fetch });
    }
    const parameters: Record<string, string> = target.scope === undefined ? {} : { scope: target.scope };
    const tokens = await oidc.clientCredentialsGrant(config, parameters);
    // A bearer token is as good as the secret for its lifetime: keep it out of every log line.
    registerSecret(tokens.access_token);
    log.debug(`${target.name}: token received (${tokens.token_type}, expires in ${tokens.expires_in ?? '?'} s)`);
    return tokens.access_token;
  } catch (error) {
    throw tokenFailure(target, endpoint, error);
  }
}

function tokenFailure(target: IlobbyTarget, endpoint: string, error: unknown): Error {
  if (error instanceof oidc.ResponseBodyError) {
    // The error and its description are the endpoint's own text: only a short, redacted excerpt.
    const detail = authAnswerExcerpt(`${error.error}${error.error_description ? `: ${error.error_description}` : ''}`);
    if (CREDENTIAL_ERRORS.has(error.error) || error.status === 401) {
      return new CredentialsRejectedError(`${target.name}: the token endpoint ${endpoint} refused our credentials (HTTP ${error.status}, ${detail})`, {
        hint: `Check clientId "${target.clientId}" and the secret in ${target.clientSecret.configKey}${target.authMethod === 'client_secret_post' ? '; if they are right, try "authMethod": "client_secret_basic"' : ''}.`,
        cause: error,
      });
    }
    return new ServiceError(`${target.name}: the token endpoint ${endpoint} answered HTTP ${error.status} (${detail})`, { cause: error });
  }
  const cause = error instanceof Error && error.cause instanceof TransportError ? error.cause : error;
  if (cause instanceof TransportError) return describeTransportFailure(`${target.name}: token request`, cause, target.caFileKey ?? 'ilobby.caFile');
  if (error instanceof oidc.ClientError && error.cause instanceof Response) {
    const status = error.cause.status;
    if (status === 401 || status === 403) {
      return new CredentialsRejectedError(`${target.name}: the token endpoint ${endpoint} refused our credentials (HTTP ${status})`, {
        hint: `Check clientId "${target.clientId}" and the secret in ${target.clientSecret.configKey}.`,
        cause: error,
      });
    }
    return new ServiceError(`${target.name}: the token endpoint ${endpoint} answered HTTP ${status}: ${authAnswerExcerpt(error.message)}`, { cause: error });
  }
  const message = authAnswerExcerpt(error instanceof Error ? error.message : String(error));
  return new ServiceError(`${target.name}: getting a token from ${endpoint} failed: ${message}`, { cause: error });
}
