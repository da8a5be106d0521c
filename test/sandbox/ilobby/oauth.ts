// The sandbox's OAuth2 side: a real oidc-provider (client_credentials only) mounted under /auth,
// with a per-sandbox in-memory adapter, plus the bookkeeping tests rely on — every POST to the
// token endpoint is counted on arrival and logged once answered (refused and abandoned ones too),
// faults can be injected before oidc-provider sees a request, a client can be held to its one
// registered auth method, and the upload endpoint looks bearer tokens up here.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider as OidcProvider, KoaContext } from 'oidc-provider';
import { faultHeaders, FaultSlot, readBody, sendJson } from './http.js';
import type { ClientAuthMethod, SandboxClient, TokenRequestRecord } from './types.js';

export const AUTH_PREFIX = '/auth';
export const TOKEN_PATH = '/auth/connect/token';

let providerClass: Promise<typeof OidcProvider> | undefined;

/**
 * oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when imported under Node 20
 * (it checks process.release.lts >= 'Jod'). It works on Node 20 for what the sandbox uses, and the
 * sandbox is test tooling, so that one line is kept out of test and demo output. Nothing else is
 * filtered.
 */
export function loadProvider(): Promise<typeof OidcProvider> {
  providerClass ??= (async () => {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original.apply(console, args);
    };
    try {
      const mod = await import('oidc-provider');
      return mod.default;
    } finally {
      console.warn = original;
    }
  })();
  return providerClass;
}

/** A per-sandbox in-memory oidc-provider adapter (the built-in one is shared process-wide and warns). */
type Stored = { payload: Record<string, unknown>; expiresAt?: number };
function memoryAdapterFactory(store: Map<string, Stored>) {
  return (model: string) => {
    const key = (id: string) => `${model}:${id}`;
    const get = (id: string): Record<string, unknown> | undefined => {
      const hit = store.get(key(id));
      if (!hit) return undefined;
      if (hit.expiresAt !== undefined && hit.expiresAt <= Date.now()) {
        store.delete(key(id));
        return undefined;
      }
      return hit.payload;
    };
    const byPayload = (matches: (payload: Record<string, unknown>) => boolean) => {
      for (const [k, v] of store) if (k.startsWith(`${model}:`) && matches(v.payload)) return v.payload;
      return undefined;
    };
    return {
      // oidc-provider's adapter methods return promises; this store answers at once.
      upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        store.set(key(id), { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
        return Promise.resolve();
      },
      find(id: string) {
        return Promise.resolve(get(id));
      },
      findByUid(uid: string) {
        return Promise.resolve(byPayload((payload) => payload.uid === uid));
      },
      findByUserCode(userCode: string) {
        return Promise.resolve(byPayload((payload) => payload.userCode === userCode));
      },
      consume(id: string) {
        const p = get(id);
        if (p) p.consumed = Math.floor(Date.now() / 1000);
        return Promise.resolve();
      },
      destroy(id: string) {
        store.delete(key(id));
        return Promise.resolve();
      },
      revokeByGrantId(grantId: string) {
        for (const [k, v] of store) if (v.payload.grantId === grantId) store.delete(k);
        return Promise.resolve();
      },
    };
  };
}

// Made once per process (RSA key generation is most of a start-up).
let signingJwk: Record<string, unknown> | undefined;

function signingKey(): Record<string, unknown> {
  signingJwk ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'sandbox',
    use: 'sig',
    alg: 'RS256',
  };
  return signingJwk;
}

export interface TokenEndpointOptions {
  clients: SandboxClient[];
  clientById: Map<string, SandboxClient>;
  /** Lifetime of issued access tokens (default 3600). */
  tokenTtlSeconds?: number;
  /** Extra OAuth scopes a client may ask for. */
  scopes?: string[];
}

export class TokenEndpoint {
  /** Every POST to the token endpoint once answered (or abandoned), refused ones included. */
  readonly tokenLog: TokenRequestRecord[] = [];
  /** POSTs to the token endpoint received so far (counted on arrival). */
  tokenRequests = 0;
  readonly faults = new FaultSlot();
  private readonly oidcStore = new Map<string, Stored>();
  private readonly tokenLogged = new WeakSet<IncomingMessage>();
  private provider: OidcProvider | undefined;
  /** The next token request waits for this before it is answered. */
  private hold: { arrived: () => void; released: Promise<void> } | undefined;
  private providerHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  constructor(private readonly options: TokenEndpointOptions) {}

  /** Creates the provider once the server's address (and so the issuer) is known. */
  configure(Provider: typeof OidcProvider, issuer: string): void {
    const { clients, clientById, scopes, tokenTtlSeconds } = this.options;
    const tokenLog = this.tokenLog;
    const tokenLogged = this.tokenLogged;
    const provider = new Provider(issuer, {
      adapter: memoryAdapterFactory(this.oidcStore),
      jwks: { keys: [{ ...signingKey() }] }, // only for ID tokens, which this sandbox never issues
      clients: clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: c.authMethod,
        ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
      })),
      clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
      scopes: ['openid', 'offline_access', ...(scopes ?? [])],
      features: {
        clientCredentials: { enabled: true },
        devInteractions: { enabled: false },
        introspection: { enabled: false },
        revocation: { enabled: false },
      },
      routes: { token: '/connect/token' },
      ttl: { ClientCredentials: tokenTtlSeconds ?? 3600 },
      cookies: { keys: [randomBytes(32).toString('hex')] },
    });
    provider.use(async (ctx: KoaContext, next) => {
      await next();
      if (ctx.oidc?.route !== 'token' || ctx.method !== 'POST') return;
      const clientId = ctx.oidc.client?.clientId;
      const client = clientId ? clientById.get(clientId) : undefined;
      const used: ClientAuthMethod = ctx.headers.authorization ? 'client_secret_basic' : 'client_secret_post';
      if (ctx.status === 200 && client?.strictAuthMethod) {
        if (used !== client.authMethod) {
          // oidc-provider treats basic and post as one family; this client is registered for only one.
          const issued = ctx.oidc.entities.ClientCredentials as { destroy(): Promise<void> } | undefined;
          await issued?.destroy();
          ctx.status = 401;
          ctx.body = {
            error: 'invalid_client',
            error_description: `client authentication failed: this client must use ${client.authMethod}`,
          };
        }
      }
      tokenLogged.add(ctx.req);
      tokenLog.push({ at: new Date(), status: ctx.status, ...(clientId ? { clientId } : {}), authMethod: used, injected: false });
    });
    this.provider = provider;
    this.providerHandler = provider.callback();
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const isTokenRequest = pathname === TOKEN_PATH && req.method === 'POST';
    const authHeader = req.headers.authorization;
    const authMethod: ClientAuthMethod = /^basic\s/i.test(authHeader ?? '') ? 'client_secret_basic' : 'client_secret_post';
    if (isTokenRequest) {
      this.tokenRequests++;
      const fault = this.faults.take();
      if (fault) {
        await readBody(req, 64 * 1024);
        this.tokenLog.push({ at: new Date(), status: fault.status, authMethod, injected: true });
        sendJson(res, fault.status, { error: 'temporarily_unavailable', error_description: 'sandbox: injected fault' }, faultHeaders(fault));
        return;
      }
      // Normally logged by the provider middleware, before the answer is written, so the
      // log is complete when the client sees the answer; this catches requests that never got there.
      const at = new Date();
      res.on('close', () => {
        if (this.tokenLogged.has(req)) return;
        this.tokenLog.push({ at, status: res.headersSent ? res.statusCode : 0, authMethod, injected: false });
      });
    }
    const hold = isTokenRequest ? this.hold : undefined;
    if (hold !== undefined) {
      this.hold = undefined;
      hold.arrived();
      await hold.released;
    }
    // Mounted under /auth: oidc-provider routes on the path without the prefix and rebuilds its
    // own URLs from originalUrl (issuer path /auth).
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = req.url!.slice(AUTH_PREFIX.length) || '/';
    this.providerHandler!(req, res);
  }

  /** Holds the next token request until `release` is called. */
  holdNext(): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.hold = { arrived, released };
    return { arrived: arrival, release };
  }

  /** The access token with this value, if the provider issued it and it is still valid. */
  findToken(value: string): Promise<{ clientId: string } | undefined> {
    return this.provider!.ClientCredentials.find(value);
  }

  /** Invalidate every token issued so far. */
  revokeTokens(): void {
    for (const key of [...this.oidcStore.keys()]) if (key.startsWith('ClientCredentials:')) this.oidcStore.delete(key);
  }
}
