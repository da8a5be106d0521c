// What went wrong in a Kerberos bind, in words a sysadmin can act on: the system's error (an MIT
// GSSAPI status, an SSPI status, the directory's answer) is sorted into a problem, and each
// problem has its message and what to try. SPNEGO hides Kerberos detail ("cannot find mechanisms
// to negotiate"), so the library asks the KDC with plain Kerberos first (gssapi.ts). Pure.
import { DirectoryError } from '../../platform/errors.js';

export type KerberosProblem =
  | 'no-credentials'
  | 'keytab'
  | 'client-refused'
  | 'spn-unknown'
  | 'clock-skew'
  | 'kdc-unreachable'
  | 'kdc-silent'
  | 'channel-binding'
  | 'directory-refused'
  | 'library';

/** A Kerberos bind that failed (exit 3), sorted by what to try. */
export class KerberosError extends DirectoryError {
  constructor(
    readonly problem: KerberosProblem,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, { hint: options.hint ?? HINTS[problem](), cause: options.cause });
  }

  /** The same credentials would fail on every domain controller: trying the next one is pointless. */
  get sameEverywhere(): boolean {
    return this.problem !== 'spn-unknown' && this.problem !== 'channel-binding' && this.problem !== 'directory-refused';
  }
}

const onWindows = () => process.platform === 'win32';

const HINTS: Record<KerberosProblem, () => string> = {
  'no-credentials': () =>
    onWindows()
      ? 'roster binds as the account it runs as: run the task as the service account or gMSA (see docs/kerberos.md), and check that account has a ticket (klist in its session; a local account has none).'
      : 'Give roster a client keytab (directory.kerberos.keytabFile, or KRB5_CLIENT_KTNAME; see docs/kerberos.md), or get a ticket first: kinit -k -t <keytab> <principal>, or kinit <user>. A scheduled job must run as the account that can read the keytab.',
  keytab: () =>
    'Check the keytab path and that the account running roster can read it (chmod 600, owned by that account); "klist -k -t <keytab>" lists the principals and key versions it holds.',
  'client-refused': () =>
    'The KDC refused the account itself: it may be unknown, disabled, locked or expired, or the keytab holds old keys (the password changed since the keytab was exported: export it again; "kvno <principal>" shows the current key version).',
  'spn-unknown': () =>
    "Name the domain controller by its DNS name in directory.url, not by its address or an alias, or set directory.kerberos.spn to ldap/<the DC's DNS name>. List a DC's service principals with setspn -L <DC>$ (Windows) or samba-tool spn list <DC>$.",
  'clock-skew': () =>
    "This computer's clock differs from the domain's by more than Kerberos allows (5 minutes): synchronise it with the domain controllers (w32tm /resync on Windows; chrony or systemd-timesyncd pointed at the DCs on Linux).",
  'kdc-unreachable': () =>
    onWindows()
      ? 'No domain controller answered as a KDC: check that this computer is joined to the domain and can reach a DC on port 88 (nltest /dsgetdc:<domain>).'
      : "No KDC of the realm answered: check krb5.conf's [libdefaults] default_realm and [realms] kdc = <your DCs> (or dns_lookup_kdc = true with the domain's DNS), and that port 88 (TCP and UDP) is open to the DCs.",
  'kdc-silent': () =>
    "Check that the KDCs in krb5.conf are the domain's DCs and reachable on port 88 (a firewall dropping packets makes them silent); raise directory.idleTimeoutSeconds only for a KDC known to be that slow.",
  'channel-binding': () =>
    'The domain controller enforces LDAP channel binding and the binding did not match its certificate: something between roster and the DC presents its own certificate (a load balancer or TLS-inspecting proxy). Connect to the DC directly; see docs/kerberos.md.',
  'directory-refused': () =>
    'Check that the directory accepts SASL binds over TLS (Active Directory does; Samba needs "ldap server require strong auth = allow_sasl_over_tls"), and try the other mechanism (directory.kerberos.mechanism "GSSAPI" or "GSS-SPNEGO").',
  library: () =>
    onWindows()
      ? 'The Windows security package (SSPI, secur32.dll) could not be used; see docs/kerberos.md.'
      : "Install the system's Kerberos library (Debian/Ubuntu: libgssapi-krb5-2 and krb5-user; RHEL: krb5-libs and krb5-workstation); see docs/kerberos.md.",
};

/** MIT's krb5 error codes (com_err table krb5, base -1765328384) as the unsigned minor status GSSAPI reports. */
const KRB5_BASE = 2529638912;
const MIT_MINOR: Record<number, KerberosProblem> = {
  [KRB5_BASE + 6]: 'client-refused', // KDC_ERR_C_PRINCIPAL_UNKNOWN: Client not found in Kerberos database
  [KRB5_BASE + 7]: 'spn-unknown', // KDC_ERR_S_PRINCIPAL_UNKNOWN: Server not found in Kerberos database
  [KRB5_BASE + 18]: 'client-refused', // KDC_ERR_CLIENT_REVOKED
  [KRB5_BASE + 23]: 'client-refused', // KDC_ERR_KEY_EXPIRED: Password has expired
  [KRB5_BASE + 24]: 'client-refused', // KDC_ERR_PREAUTH_FAILED
  [KRB5_BASE + 31]: 'client-refused', // KRB_AP_ERR_BAD_INTEGRITY
  [KRB5_BASE + 37]: 'clock-skew', // KRB_AP_ERR_SKEW: Clock skew too great
  [KRB5_BASE + 156]: 'kdc-unreachable', // KRB5_KDC_UNREACH: Cannot contact any KDC for requested realm
};

/** What MIT says, when its code is not one of the above. */
const MIT_TEXT: Array<[RegExp, KerberosProblem]> = [
  [/clock skew/i, 'clock-skew'],
  [/server not found in kerberos database|unknown server|server principal/i, 'spn-unknown'],
  [/cannot (contact any|find) KDC|cannot resolve network address for KDC|realm not local|unreachable/i, 'kdc-unreachable'],
  [/key table|keytab/i, 'keytab'],
  [/client not found|preauthentication failed|password (has )?expired|revoked|bad integrity|decrypt integrity/i, 'client-refused'],
  [
    /no credentials|credentials cache|no kerberos credentials|matching credential not found|ticket expired|cannot find mechanisms to negotiate/i,
    'no-credentials',
  ],
];

const GSS_S_NO_CRED = 7 << 16;
const GSS_S_CREDENTIALS_EXPIRED = 11 << 16;

/** Sorts a failed MIT GSSAPI call by its major and minor status and what MIT said. */
export function gssProblem(major: number, minor: number, text: string): KerberosProblem {
  const routine = major & 0x00ff0000;
  const byCode = MIT_MINOR[minor];
  if (byCode !== undefined) return byCode;
  const byText = MIT_TEXT.find(([pattern]) => pattern.test(text))?.[1];
  if (byText !== undefined) return byText;
  if (routine === GSS_S_NO_CRED || routine === GSS_S_CREDENTIALS_EXPIRED) return 'no-credentials';
  return 'library';
}

/** SSPI's SECURITY_STATUS codes roster can explain (winerror.h). */
const SSPI_STATUS: Record<number, [KerberosProblem, string]> = {
  0x8009030e: ['no-credentials', 'no credentials are available in the security package (SEC_E_NO_CREDENTIALS)'],
  0x8009030c: ['client-refused', 'the logon attempt failed (SEC_E_LOGON_DENIED)'],
  0x80090303: ['spn-unknown', 'the specified target is unknown or unreachable (SEC_E_TARGET_UNKNOWN)'],
  0x80090322: ['spn-unknown', "the target principal name is incorrect: the SPN belongs to another account than the server's (SEC_E_WRONG_PRINCIPAL)"],
  0x80090324: ['clock-skew', 'the clocks on the client and server machines are skewed (SEC_E_TIME_SKEW)'],
  0x80090311: ['kdc-unreachable', 'no authority could be contacted for authentication (SEC_E_NO_AUTHENTICATING_AUTHORITY)'],
  0x80090346: ['channel-binding', 'the client supplied channel bindings the server did not accept (SEC_E_BAD_BINDINGS)'],
  0x80090305: ['library', 'the requested security package does not exist (SEC_E_SECPKG_NOT_FOUND)'],
  0x80090302: ['library', 'the function requested is not supported (SEC_E_UNSUPPORTED_FUNCTION)'],
  0x80090304: ['library', 'the Local Security Authority cannot be contacted (SEC_E_INTERNAL_ERROR)'],
};

/** An SSPI status as [problem, text]. */
export function sspiProblem(status: number): [KerberosProblem, string] {
  const code = status >>> 0;
  return SSPI_STATUS[code] ?? ['library', `SSPI error 0x${code.toString(16).padStart(8, '0')}`];
}

/**
 * The directory's refusal of a SASL bind. Active Directory names the SSPI status in its
 * diagnostic message ("80090346: LdapErr: …, data 80090346"): channel binding, clock skew…
 */
export function directoryRefusal(url: string, resultCode: number, diagnostic: string): KerberosError {
  const status = /\b(8009[0-9a-f]{4})\b/i.exec(diagnostic)?.[1];
  const [problem, reason] = status === undefined ? (['directory-refused', undefined] as const) : sspiProblem(parseInt(status, 16));
  const problemHere: KerberosProblem = problem === 'library' ? 'directory-refused' : problem;
  return new KerberosError(
    problemHere,
    `${url} refused the Kerberos bind (LDAP result ${resultCode}${diagnostic ? `: ${diagnostic}` : ''})${reason ? `: ${reason}` : ''}`,
  );
}
