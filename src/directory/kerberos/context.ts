// What the SASL bind loop needs of the system's Kerberos, whichever it is: MIT GSSAPI on Linux
// (gssapi.ts) or SSPI on Windows (sspi.ts). Every call that may reach the KDC returns a promise
// (koffi's asynchronous calls, on a worker thread), so the event loop, and with it the
// connection's deadlines and Ctrl-C, keeps running while a KDC is slow to answer.
import type { SaslMechanism } from '../../config/types.js';

/** Where the credentials come from, as `roster check` shows it. */
export interface CredentialSource {
  kind: 'keytab' | 'cache' | 'sspi';
  /** e.g. "keytab /etc/roster/roster.keytab (directory.kerberos.keytabFile)". */
  text: string;
}

export interface ContextRequest {
  /** The directory's service principal, e.g. ldap/dc1.corp.example.com. */
  spn: string;
  mechanism: SaslMechanism;
  /** Application data of the TLS channel binding (channelBinding.ts). */
  channelBinding: Buffer;
}

export interface ContextStep {
  /** The token to send to the server (may be empty). */
  token: Buffer;
  /** The security context is established: no further token from the server is needed. */
  complete: boolean;
}

export interface SecurityContext {
  /** One step of establishing the context: the server's last token in (none at first), ours out. */
  step(input: Buffer | undefined): Promise<ContextStep>;
  /** RFC 4752's security-layer exchange: the server's wrapped offer, unwrapped. */
  unwrap(token: Buffer): Buffer;
  /** Our wrapped answer to it. Integrity only: no layer is ever asked for. */
  wrap(message: Buffer): Buffer;
  /** The client principal the context acts as, e.g. svc-roster@CORP.EXAMPLE.COM (undefined if the system cannot say). */
  principal(): string | undefined;
  close(): void;
}

export interface KerberosLibrary {
  /** e.g. "MIT Kerberos (libgssapi_krb5.so.2)". */
  name: string;
  source: CredentialSource;
  /**
   * Gets the credentials and the service ticket for `request`: whatever the KDC has to say
   * (no credentials, unknown SPN, clock skew, no KDC) is said here, before the directory is asked.
   */
  open(request: ContextRequest): Promise<SecurityContext>;
}
