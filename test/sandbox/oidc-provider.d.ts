// oidc-provider 9 ships no type declarations; this covers only what the iLobby sandbox uses.
declare module 'oidc-provider' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ClientCredentialsToken {
    jti: string;
    clientId: string;
    scope?: string;
    exp?: number;
    readonly isExpired: boolean;
    destroy(): Promise<void>;
  }

  export interface KoaContext {
    method: string;
    path: string;
    status: number;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
    req: IncomingMessage;
    oidc?: {
      route?: string;
      client?: { clientId: string };
      entities: Record<string, unknown>;
    };
  }

  export class Provider extends EventEmitter {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    ClientCredentials: {
      find(value: string, options?: { ignoreExpiration?: boolean }): Promise<ClientCredentialsToken | undefined>;
    };
  }

  export default Provider;
}
