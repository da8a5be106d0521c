// Which directory server answered: read once per connection, right after the bind, from the root
// DSE (RFC 4512 5.1). What "enabled" means, which schema to read and how a limit is lifted all
// depend on it. identifyServer() is pure; readRootDse() is the one request.
import type { Client } from 'ldapts';

export type ServerKind = 'ad' | 'samba' | '389ds' | 'openldap' | 'other';

export interface DirectoryServer {
  kind: ServerKind;
  /** For people: "Active Directory", "Samba AD 4.17.12-Debian", "389 Directory Server 2.3.1", "OpenLDAP with ppolicy". */
  name: string;
  /** OpenLDAP's ppolicy overlay is loaded (it advertises the password policy control). */
  ppolicy: boolean;
  /** Active Directory's schema naming context. */
  schemaNamingContext: string | undefined;
  /** Where an RFC 4512 server publishes its schema. */
  subschemaSubentry: string | undefined;
  namingContexts: string[];
}

/** The root DSE's values, by lower-cased attribute name. */
export type RootDseValues = ReadonlyMap<string, readonly string[]>;

/** LDAP_CAP_ACTIVE_DIRECTORY_OID: Active Directory and Samba AD both advertise it. */
const AD_CAPABILITY = '1.2.840.113556.1.4.800';
/** The password policy request control (draft-behera-ldap-password-policy), offered by OpenLDAP's ppolicy overlay. */
const PPOLICY_CONTROL = '1.3.6.1.4.1.42.2.27.8.5.1';

export const ROOT_DSE_ATTRIBUTES = [
  'objectClass',
  'vendorName',
  'vendorVersion',
  'supportedCapabilities',
  'supportedControl',
  'schemaNamingContext',
  'subschemaSubentry',
  'namingContexts',
] as const;

export function identifyServer(root: RootDseValues): DirectoryServer {
  const values = (name: string) => root.get(name.toLowerCase()) ?? [];
  const first = (name: string) => values(name)[0];
  const vendorName = first('vendorName') ?? '';
  const vendorVersion = first('vendorVersion') ?? '';
  const common = {
    ppolicy: false,
    schemaNamingContext: first('schemaNamingContext'),
    subschemaSubentry: first('subschemaSubentry'),
    namingContexts: [...values('namingContexts')],
  };
  if (values('supportedCapabilities').includes(AD_CAPABILITY)) {
    if (/samba/i.test(vendorName)) return { ...common, kind: 'samba', name: `Samba AD${vendorVersion ? ` ${vendorVersion}` : ''}` };
    return { ...common, kind: 'ad', name: 'Active Directory' };
  }
  // 389-Directory/2.3.1 B2025.016.1616 (also under FreeIPA), Red Hat-Directory/12.2, and their Fedora/Netscape ancestors.
  const ds389 = /^(389|Red Hat|Fedora|Netscape)-Directory\/(\S+)/i.exec(vendorVersion);
  if (ds389 !== null) {
    const product = /^Red Hat/i.test(ds389[1]!) ? 'Red Hat Directory Server' : '389 Directory Server';
    return { ...common, kind: '389ds', name: `${product} ${ds389[2]}` };
  }
  if (values('objectClass').some((c) => c.toLowerCase() === 'openldaprootdse')) {
    const ppolicy = values('supportedControl').includes(PPOLICY_CONTROL);
    return { ...common, kind: 'openldap', ppolicy, name: `OpenLDAP ${ppolicy ? 'with' : 'without'} ppolicy` };
  }
  const vendor = [vendorName, vendorVersion].filter((v) => v !== '').join(' ');
  return { ...common, kind: 'other', name: `an LDAP server${vendor ? ` (${vendor})` : ''} that is neither Active Directory, 389-ds nor OpenLDAP` };
}

/** Reads and identifies the root DSE; a root DSE the account may not read makes an "other" server. */
export async function readRootDse(client: Client): Promise<DirectoryServer> {
  const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: [...ROOT_DSE_ATTRIBUTES] });
  const root = new Map<string, string[]>();
  for (const [name, value] of Object.entries(searchEntries[0] ?? {})) {
    if (name === 'dn') continue;
    const list = (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    root.set(name.toLowerCase(), list);
  }
  return identifyServer(root);
}
