// Opens an authenticated connection to the first reachable domain controller.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { readSecret } from '../config/secrets.js';
import type { DirectoryConfig } from '../config/types.js';
import { DirectoryError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { connectFailure } from './failures.js';
import { isLoopback } from '../config/parse.js';
import { SocketWatch, unlessLost } from './socketWatch.js';
import { trustOptions } from '../platform/tls/trust.js';
import { readRootDse, type DirectoryServer } from './rootDse.js';
import { kerberosBind, type KerberosBinding } from './kerberos/bind.js';
import { KerberosError } from './kerberos/failures.js';

export interface DirectoryConnection {
  client: Client;
  url: string;
  /** The server that answered, from its root DSE (read once, after the bind). */
  server: DirectoryServer;
  /** Aborted as soon as the connection drops. */
  lost: AbortSignal;
  /** With directory.auth kerberos: who bound, how, and how long it took. */
  kerberos?: KerberosBinding;
  close(): Promise<void>;
}

/** How long to wait for a TCP/TLS connection; a dead DC should not hold up the next one for long. */
const CONNECT_TIMEOUT_MS = 15_000;
const UNBIND_GRACE_MS = 2_000;

/** TLS options for a domain controller: roster's trust (platform/tls/trust.ts) and its host name. */
export function tlsOptionsFor(url: string, caFile: string | undefined): ConnectionOptions {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const options: ConnectionOptions = { ...trustOptions(caFile, 'directory.caFile'), host: hostname };
  // SNI takes names only; certificate checks still use `host`.
  if (isIP(hostname) === 0) options.servername = hostname;
  return options;
}

/**
 * Tries each URL in order. A server that cannot be reached moves on to the next; a refused
 * bind does not, because the same credentials would be refused everywhere and retrying them
 * only brings an AD account closer to lockout.
 */
export async function connectDirectory(config: DirectoryConfig, log: Logger): Promise<DirectoryConnection> {
  const password = config.bindPassword === undefined ? undefined : readSecret(config.bindPassword);
  const failures: DirectoryError[] = [];
  for (const url of config.urls) {
    const tlsOptions = tlsOptionsFor(url, config.caFile);
    const watch = new SocketWatch(config.idleTimeoutSeconds);
    const client = new Client({
      url,
      // Only for ldaps://: ldapts opens a TLS socket whenever tlsOptions are given, which would
      // make an ldap:// + StartTLS connection speak TLS before the StartTLS request.
      tlsOptions: url.startsWith('ldaps:') ? tlsOptions : undefined,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // ldapts has no operation timeout by default; without one a stalled server hangs the run.
      timeout: config.timeoutSeconds * 1000,
      strictDN: false,
      createConnection: watch.createConnection,
      createSecureConnection: watch.createSecureConnection,
    });
    const close = async () => {
      watch.closing();
      // After a lost StartTLS connection ldapts may still think it is connected and wait forever
      // for the unbind; so the unbind gets a moment, then every socket is closed regardless.
      if (!watch.isLost) {
        await Promise.race([client.unbind().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, UNBIND_GRACE_MS).unref())]);
      }
      watch.destroyAll();
    };
    try {
      if (url.startsWith('ldap:') && config.startTls) {
        await unlessLost(client.startTLS(tlsOptions), watch.idle);
      } else if (url.startsWith('ldap:')) {
        log.warn(
          `${url}: no TLS (${isLoopback(new URL(url).hostname) ? 'loopback server' : 'allowInsecure is set'}); the bind password crosses the network in clear text`,
        );
      }
      let kerberos: KerberosBinding | undefined;
      if (config.kerberos !== undefined) {
        kerberos = await kerberosBind({ client, url, idle: watch.idle, certificate: () => watch.peerCertificate() }, config.kerberos);
        log.info(
          `${url}: Kerberos bind (${kerberos.mechanism}) as ${kerberos.principal ?? "the process's own identity"} in ${kerberos.ms} ms; service principal ${kerberos.spn}, credentials from the ${kerberos.source.text}`,
          { bindMs: kerberos.ms },
        );
      } else if (config.bindDn !== undefined && password !== undefined) await unlessLost(client.bind(config.bindDn, password), watch.idle);
      else log.info(`${url}: no bindDn configured, searching anonymously`);
      log.debug(`connected to ${url}${config.bindDn ? ` as ${config.bindDn}` : ''}`);
      const server = await unlessLost(readRootDse(client), watch.idle);
      log.info(`${url}: ${server.name} (from its root DSE)`, { server: server.kind });
      return { client, url, server, lost: watch.lost, kerberos, close };
    } catch (error) {
      await close();
      const failure = error instanceof KerberosError ? error : connectFailure(url, error, config.caFile);
      const sameEverywhere = failure instanceof KerberosError ? failure.sameEverywhere : failure.message.startsWith(`bind to ${url} failed`);
      if (sameEverywhere || config.urls.length === 1) throw failure;
      log.warn(`${failure.message}; trying the next domain controller`);
      failures.push(failure);
    }
  }
  throw new DirectoryError(`no domain controller could be used:\n  - ${failures.map((f) => f.message).join('\n  - ')}`, {
    hint: failures[0]?.hint,
  });
}
