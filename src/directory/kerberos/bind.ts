// The Kerberos bind over an open ldapts connection: SASL GSS-SPNEGO or GSSAPI (RFC 4752, whose
// security-layer step chooses no layer: TLS already protects the connection), with the TLS
// channel binding of the connection's certificate, as the process's own identity. While roster
// waits for the KDC the connection's idle watch keeps running; a KDC that stays silent that long
// fails the bind with its own message (the directory was not expected to say anything meanwhile).
import type { Client } from 'ldapts';
import type { KerberosConfig } from '../../config/types.js';
import { ldaptsInternals, type LdaptsInternals } from '../ldapts/internals.js';
import { SASL_BIND_IN_PROGRESS, saslBindStep, type SaslStep } from '../ldapts/saslBind.js';
import { ConnectionIdleError, unlessLost } from '../socketWatch.js';
import { tlsServerEndPoint } from './channelBinding.js';
import type { KerberosLibrary, SecurityContext } from './context.js';
import { directoryRefusal, KerberosError } from './failures.js';
import { mitKerberos } from './gssapi.js';
import { kerberosPlan, type KerberosPlan } from './plan.js';
import { windowsKerberos } from './sspi.js';

export interface KerberosBinding extends KerberosPlan {
  /** The principal bound as, e.g. svc-roster@CORP.EXAMPLE.COM (undefined when the system cannot say). */
  principal: string | undefined;
  /** The Kerberos implementation used, e.g. "MIT Kerberos (libgssapi_krb5.so.2)". */
  library: string;
  /** From the first request to the KDC to the directory's success (loading the libraries left out). */
  ms: number;
}

export interface BindConnection {
  client: Client;
  url: string;
  /** Aborted when the connection goes silent (socketWatch.ts). */
  idle: AbortSignal;
  /** The server's certificate on this connection (DER), once it is open. */
  certificate(): Buffer | undefined;
}

/** RFC 4752 3.3: the security layers a client may choose; roster always takes none. */
const NO_SECURITY_LAYER = 0x01;
/** A SASL exchange with more round trips than this is not Kerberos misbehaving slowly, it is a loop. */
const MAX_STEPS = 10;

export async function kerberosBind(connection: BindConnection, kerberos: KerberosConfig): Promise<KerberosBinding> {
  const { url } = connection;
  const plan = kerberosPlan(url, kerberos);
  const describe = `${plan.mechanism}, service principal ${plan.spn}, credentials from the ${plan.source.text}`;
  let context: SecurityContext | undefined;
  const internals = ldaptsInternals(connection.client);
  // Open (ldaps://: TCP and TLS) before anything else: the channel binding is the certificate's.
  await unlessLost(internals.connect(), connection.idle);
  try {
    const certificate = connection.certificate();
    if (certificate === undefined) throw new KerberosError('directory-refused', 'the connection has no TLS certificate to bind the Kerberos exchange to');
    const library: KerberosLibrary = process.platform === 'win32' ? windowsKerberos() : mitKerberos(plan.source);
    // The bind's time: the KDC and the directory, not loading koffi and the system's library.
    const started = Date.now();
    const request = { spn: plan.spn, mechanism: plan.mechanism, channelBinding: tlsServerEndPoint(certificate) };
    context = await askKdc(library.open(request), connection.idle, plan.spn);
    await exchange(connection, internals, context, plan);
    const principal = context.principal();
    return { ...plan, source: library.source.kind === 'sspi' ? library.source : plan.source, principal, library: library.name, ms: Date.now() - started };
  } catch (error) {
    if (!(error instanceof KerberosError)) throw error;
    throw new KerberosError(error.problem, `Kerberos bind to ${url} failed (${describe}): ${error.message}`, { hint: error.hint, cause: error });
  } finally {
    context?.close();
  }
}

/** The SASL round trips until the directory answers success. */
async function exchange(connection: BindConnection, internals: LdaptsInternals, context: SecurityContext, plan: KerberosPlan): Promise<void> {
  const send = (token: Buffer | undefined): Promise<SaslStep> => saslBindStep(internals, plan.mechanism, token, (work) => unlessLost(work, connection.idle));
  let step = await askKdc(context.step(undefined), connection.idle, plan.spn);
  let answer = await send(step.token);
  for (let round = 0; round < MAX_STEPS; round++) {
    if (answer.resultCode !== 0 && answer.resultCode !== SASL_BIND_IN_PROGRESS) {
      throw directoryRefusal(connection.url, answer.resultCode, answer.diagnosticMessage);
    }
    const token = answer.serverCredentials;
    if (!step.complete) {
      // Success may still carry the server's last token (SPNEGO's answer, mutual authentication): it is checked.
      if (answer.resultCode === 0 && (token === undefined || token.length === 0)) return;
      step = await askKdc(context.step(token ?? Buffer.alloc(0)), connection.idle, plan.spn);
      if (answer.resultCode === 0) return;
      answer = await send(step.token);
      continue;
    }
    if (answer.resultCode === 0) return;
    if (plan.mechanism !== 'GSSAPI') throw new KerberosError('directory-refused', `${connection.url} asked for more after the Kerberos exchange was complete`);
    // RFC 4752 3.1: the server offers security layers and a buffer size, wrapped; roster answers
    // "no layer" (TLS protects the connection) and a buffer size of 0.
    if (token === undefined || token.length === 0) {
      answer = await send(Buffer.alloc(0));
      continue;
    }
    const offer = context.unwrap(token);
    if (offer.length < 4 || (offer[0]! & NO_SECURITY_LAYER) === 0) {
      throw new KerberosError(
        'directory-refused',
        `${connection.url} insists on a SASL security layer, which roster never uses over TLS; use "mechanism": "GSS-SPNEGO"`,
      );
    }
    answer = await send(context.wrap(Buffer.from([NO_SECURITY_LAYER, 0, 0, 0])));
  }
  throw new KerberosError('directory-refused', `${connection.url} did not finish the Kerberos bind after ${MAX_STEPS} round trips`);
}

/** A call that may wait for the KDC: bounded by the connection's idle watch, which then means the KDC was silent. */
async function askKdc<T>(work: Promise<T>, idle: AbortSignal, spn: string): Promise<T> {
  try {
    return await unlessLost(work, idle);
  } catch (error) {
    if (!(error instanceof ConnectionIdleError)) throw error;
    // The library's call goes on on its worker thread until the system's Kerberos gives up itself.
    work.catch(() => undefined);
    throw new KerberosError(
      'kdc-silent',
      `no answer from the KDC within ${error.idleSeconds} s (directory.idleTimeoutSeconds) while asking for a ticket for ${spn}`,
      {
        cause: error,
      },
    );
  }
}
