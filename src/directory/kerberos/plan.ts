// What a Kerberos bind to one URL will use, known before anything is loaded or sent: the service
// principal, the mechanism, and where the credentials come from. `roster check` shows it before
// the bind; the bind uses the same. Pure.
import type { KerberosConfig } from '../../config/types.js';
import type { CredentialSource } from './context.js';

export interface KerberosPlan {
  spn: string;
  mechanism: KerberosConfig['mechanism'];
  source: CredentialSource & { keytab?: string };
}

/** ldap/<host of the URL>, unless directory.kerberos.spn names one. */
export function servicePrincipal(url: string, kerberos: KerberosConfig): string {
  // DNS names are case-insensitive; service principals are registered in lower case.
  return kerberos.spn ?? `ldap/${new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase()}`;
}

/**
 * Where the credentials come from. Linux: the keytab KRB5_CLIENT_KTNAME names (systemd's
 * LoadCredential= hands it over so), else directory.kerberos.keytabFile, else the ticket cache.
 * Windows: the account roster runs as, through SSPI.
 */
export function credentialSource(kerberos: KerberosConfig, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): KerberosPlan['source'] {
  if (platform === 'win32') return { kind: 'sspi', text: 'account roster runs as, through SSPI' };
  if (env.KRB5_CLIENT_KTNAME) return { kind: 'keytab', keytab: env.KRB5_CLIENT_KTNAME, text: `keytab ${env.KRB5_CLIENT_KTNAME} (KRB5_CLIENT_KTNAME)` };
  if (kerberos.keytabFile !== undefined)
    return { kind: 'keytab', keytab: kerberos.keytabFile, text: `keytab ${kerberos.keytabFile} (directory.kerberos.keytabFile)` };
  return { kind: 'cache', text: `ticket cache ${env.KRB5CCNAME ? `${env.KRB5CCNAME} (KRB5CCNAME)` : '(the default one, as klist shows it)'}` };
}

export function kerberosPlan(
  url: string,
  kerberos: KerberosConfig,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): KerberosPlan {
  return { spn: servicePrincipal(url, kerberos), mechanism: kerberos.mechanism, source: credentialSource(kerberos, platform, env) };
}
