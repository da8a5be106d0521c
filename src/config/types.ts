// The validated shape of config.json. Paths are already absolute (resolved against the
// config file's folder) and secrets are described by where they come from, never by value.

/** Where a secret comes from; the value itself is read only when it is needed. */
export type SecretSource = { kind: 'env'; name: string; configKey: string } | { kind: 'file'; path: string; configKey: string };

export interface DirectoryConfig {
  /** Domain controllers / LDAP servers, tried in order. */
  urls: string[];
  startTls: boolean;
  caFile: string | undefined;
  allowInsecure: boolean;
  /** simple: bindDn and a password (or anonymous); kerberos: the process's own identity, over TLS only. */
  auth: DirectoryAuth;
  /** How a Kerberos bind is made; set only when auth is kerberos. */
  kerberos: KerberosConfig | undefined;
  /** Absent for an anonymous bind. */
  bindDn: string | undefined;
  bindPassword: SecretSource | undefined;
  searchBases: string[];
  filter: string;
  /** How disabled accounts are told apart, on top of `filter` (directory/accountState.ts). */
  accountState: AccountStateSetting;
  memberOf: string[];
  /** Leave out accounts whose accountExpires is in the past (Active Directory; shadowExpire elsewhere). */
  excludeExpired: boolean;
  pageSize: number;
  timeoutSeconds: number;
  /** A connection that sends nothing for this long while roster waits for it fails the run. */
  idleTimeoutSeconds: number;
}

/** The ways a directory marks a disabled account: AD's userAccountControl, 389-ds's nsAccountLock, ppolicy's permanent lock, posix shadowExpire. */
export const ACCOUNT_STATE_RULES = ['ad', '389ds', 'ppolicy', 'shadow'] as const;
export type AccountStateRule = (typeof ACCOUNT_STATE_RULES)[number];
/** `auto`: the rules of the server found (its root DSE); `none`: only `filter` decides. */
export type AccountStateSetting = 'auto' | 'none' | AccountStateRule;
export const ACCOUNT_STATE_SETTINGS: readonly AccountStateSetting[] = ['auto', ...ACCOUNT_STATE_RULES, 'none'];

export type DirectoryAuth = 'simple' | 'kerberos';

export type SaslMechanism = 'GSS-SPNEGO' | 'GSSAPI';

export interface KerberosConfig {
  mechanism: SaslMechanism;
  /** The directory's service principal, e.g. ldap/dc1.corp.example.com; undefined: ldap/<host of each URL>. */
  spn: string | undefined;
  /** A client keytab (absolute path); undefined: KRB5_CLIENT_KTNAME, or the ticket cache (SSPI on Windows). */
  keytabFile: string | undefined;
}

export interface CsvConfig {
  path: string;
  bom: boolean;
}

export interface SafetyConfig {
  minRows: number;
  maxDisableCount: number;
  maxDisablePercent: number;
  /** Refuse when more than this percentage of the people kept would have a column changed. */
  maxChangePercent: number;
}

export interface IlobbyTarget {
  /** Used for state files and log lines; "ilobby" when there is one unnamed target. */
  name: string;
  tokenUrl: string | undefined;
  issuer: string | undefined;
  uploadUrl: string;
  clientId: string;
  clientSecret: SecretSource;
  authMethod: 'client_secret_post' | 'client_secret_basic';
  scope: string | undefined;
  caFile: string | undefined;
  /** The key that names caFile, as a message should name it: "ilobby.caFile", "ilobby[1].caFile". */
  caFileKey?: string;
  /**
   * The portal's site names: a row's SITE must be one of them (or empty, or one the last push had).
   * With several targets, also which rows go to this one; undefined: all rows, checked against the last push.
   */
  sites: string[] | undefined;
  /** The most one push (token request and upload, with every retry) may take. */
  timeoutSeconds: number;
}

export interface RosterConfig {
  /** Absolute path of the config file, for messages. */
  file: string;
  /** Absent when config.json has no `directory` section (e.g. `roster upload` only). */
  directory: DirectoryConfig | undefined;
  /** Absolute path of fields.config.json, or undefined for the default AD mapping shipped with roster. */
  fieldsFile: string | undefined;
  csv: CsvConfig;
  ilobby: IlobbyTarget[];
  safety: SafetyConfig;
  stateDir: string;
  /** Where to tell people how a run went; empty when nobody is told. */
  notify: NotifyChannel[];
}

/** What a run can be, for a notification channel's `on`. */
export type NotifyEvent = 'failure' | 'refused' | 'success' | 'recovered';
export const NOTIFY_EVENTS: readonly NotifyEvent[] = ['failure', 'refused', 'success', 'recovered'];
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['failure', 'refused', 'recovered'];

interface ChannelBase {
  /** "notify[0]": the config key, for log lines and `roster notify --test`. */
  key: string;
  on: NotifyEvent[];
  /** The most a message on this channel may cost a run. */
  timeoutSeconds: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** starttls: upgrade a plain connection (587); tls: TLS from the start (465); none: a relay on loopback only. */
  secure: 'starttls' | 'tls' | 'none';
  user: string | undefined;
  password: SecretSource | undefined;
  caFile: string | undefined;
}

export interface EmailChannel extends ChannelBase {
  type: 'email';
  from: string;
  to: string[];
  smtp: SmtpConfig;
}

export interface WebhookChannel extends ChannelBase {
  type: 'webhook';
  url: string;
  format: 'teams' | 'slack' | 'json';
  caFile: string | undefined;
}

export type NotifyChannel = EmailChannel | WebhookChannel;

export const DEFAULT_AD_FILTER = '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))';
