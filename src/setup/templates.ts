// The starter config.json and fields.config.json `roster init` writes, for Active Directory,
// OpenLDAP or 389 Directory Server (FreeIPA, Red Hat DS). JSON has no comments, so the explanations are "$comment" keys (which the parsers
// allow in every object) and "$schema" points editors at the JSON Schemas shipped in schema/.
// Pure: the command decides where the files go.
import { DEFAULT_AD_FILTER } from '../config/types.js';

export type DirectoryKind = 'ad' | 'openldap' | '389ds';

export interface SchemaReferences {
  config: string;
  fields: string;
}

export interface StarterFiles {
  config: Record<string, unknown>;
  fields: Record<string, unknown>;
}

const SECRETS =
  'Secrets never go in this file: roster reads them from the file named by …File (the value alone, any characters, no quotes; readable only by the account that runs roster), or from the environment variable named by …Env.';

/** Where the starter config reads its secrets: files need no quoting, in a shell, systemd or Task Scheduler. */
export const SECRET_FILES = { bindPassword: 'secrets/bind-password', clientSecret: 'secrets/client-secret' } as const;

const AD = {
  description: 'Active Directory',
  directory: {
    url: ['ldaps://dc1.corp.example.com', 'ldaps://dc2.corp.example.com'],
    caFile: 'corp-root-ca.pem',
    bindDn: 'svc-roster@corp.example.com',
    searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'],
    filter: DEFAULT_AD_FILTER,
  },
  directoryComment: [
    'url: your domain controllers, tried in order (ldaps://, port 636; or ldap:// with "startTls": true).',
    'caFile: your enterprise root CA in PEM ("Base-64 encoded X.509") form, beside this file.',
    'bindDn: a read-only account (a normal domain user is enough), as user@domain, DOMAIN\\user or a full DN.',
    'searchBases: the OUs (full DNs) whose whole subtree is read.',
    'filter: enabled user accounts; contacts and computers are left out. Optional: "memberOf": ["CN=Some Group,…"] keeps only members (nested groups too), "excludeExpired": true leaves out expired accounts.',
    'accountState "auto": disabled accounts (userAccountControl bit 2) are left out whatever the filter says.',
  ],
  fields: {
    FIRSTNAME: 'givenName',
    LASTNAME: 'sn',
    TITLE: 'title',
    DIVISION: 'department',
    EMAIL: ['mail', 'userPrincipalName'],
    MOBILE: 'mobile',
    DESKPHONE: 'telephoneNumber',
    SITE: 'physicalDeliveryOfficeName',
  },
};

const OPENLDAP = {
  description: 'OpenLDAP',
  directory: {
    url: ['ldaps://ldap.example.org'],
    caFile: 'ldap-ca.pem',
    bindDn: 'cn=roster,ou=Services,dc=example,dc=org',
    searchBases: ['ou=People,dc=example,dc=org'],
    filter: '(objectClass=inetOrgPerson)',
  },
  directoryComment: [
    'url: your LDAP servers, tried in order (ldaps://, port 636; or ldap:// with "startTls": true).',
    "caFile: the PEM file of the CA that issued the servers' certificate, beside this file.",
    'bindDn: a read-only account (full DN) with no size limit on paged searches: limits dn.exact="<its DN>" size.prtotal=unlimited.',
    'searchBases: the subtrees whose people are read.',
    'filter: every inetOrgPerson below the search bases; narrow it if some should be left out.',
    'accountState "auto": people locked by an administrator (ppolicy pwdAccountLockedTime 000001010000Z) and posix accounts past their shadowExpire are left out; a lockout after failed logins is not.',
  ],
  fields: {
    FIRSTNAME: 'givenName',
    LASTNAME: 'sn',
    TITLE: 'title',
    DIVISION: 'ou',
    EMAIL: 'mail',
    MOBILE: 'mobile',
    DESKPHONE: 'telephoneNumber',
    SITE: 'l',
  },
};

const DS389 = {
  description: '389 Directory Server',
  directory: {
    url: ['ldaps://ldap.example.org'],
    caFile: 'ds-ca.pem',
    bindDn: 'cn=roster,ou=Services,dc=example,dc=org',
    searchBases: ['ou=People,dc=example,dc=org'],
    filter: '(objectClass=inetOrgPerson)',
  },
  directoryComment: [
    'url: your 389 Directory Server, FreeIPA or Red Hat Directory Server replicas, tried in order (ldaps://, port 636).',
    "caFile: the PEM file of the CA that issued the servers' certificate (a self-signed instance: ca.crt in its /etc/dirsrv/slapd-<instance> folder; FreeIPA: /etc/ipa/ca.crt).",
    'bindDn: a read-only account (full DN; FreeIPA: uid=roster,cn=sysaccounts,cn=etc,dc=example,dc=org) that an ACI lets read people and nsAccountLock, with nsPagedSizeLimit: -1.',
    'searchBases: the subtrees whose people are read (FreeIPA: cn=users,cn=accounts,dc=example,dc=org).',
    'filter: every inetOrgPerson below the search bases; narrow it if some should be left out.',
    'accountState "auto": locked accounts (nsAccountLock TRUE, also when a role gives it) and posix accounts past their shadowExpire are left out.',
  ],
  fields: OPENLDAP.fields,
};

const TEMPLATES = { ad: AD, openldap: OPENLDAP, '389ds': DS389 } as const;

/** How the starter config binds without a bind DN or password: directory.auth kerberos. */
const KERBEROS = {
  comment: [
    'auth "kerberos": no bind DN and no password. roster binds as its own identity: on Windows the account it runs as (a gMSA for a scheduled task), on Linux the keytab below (or KRB5_CLIENT_KTNAME, or a ticket cache from kinit). See docs/kerberos.md.',
    'The URLs must name the domain controllers by their DNS names (the service principal is ldap/<that name>); kerberos.spn overrides it.',
  ],
  kerberos: { mechanism: 'GSS-SPNEGO', keytabFile: 'roster.keytab' },
};

export function starterFiles(kind: DirectoryKind, schemas: SchemaReferences, options: { kerberos?: boolean } = {}): StarterFiles {
  const template = TEMPLATES[kind];
  const bind = options.kerberos
    ? { auth: 'kerberos', kerberos: KERBEROS.kerberos }
    : { bindDn: template.directory.bindDn, bindPasswordFile: SECRET_FILES.bindPassword };
  const directoryComment = options.kerberos
    ? [...template.directoryComment.filter((line) => !line.startsWith('bindDn:')), ...KERBEROS.comment]
    : template.directoryComment;
  const config = {
    $schema: schemas.config,
    $comment: [
      `roster configuration for ${template.description}, written by "roster init". Replace the example values, then run "roster check".`,
      'Relative paths are relative to this file\'s folder. Every key is described in docs/configuration.md; an editor that reads "$schema" completes and checks them.',
      SECRETS,
    ],
    directory: {
      $comment: directoryComment,
      url: template.directory.url,
      caFile: template.directory.caFile,
      ...bind,
      searchBases: template.directory.searchBases,
      filter: template.directory.filter,
      accountState: 'auto',
      pageSize: 1000,
      timeoutSeconds: 120,
    },
    fields: 'fields.config.json',
    csv: {
      $comment: 'The CSV roster writes (and uploads): look at it after "roster export".',
      path: 'adextract.csv',
      bom: false,
    },
    ilobby: {
      $comment: [
        'The iLobby address book. Its API client id and secret come from iLobby; the secret goes in the file named by clientSecretFile.',
        "sites: the portal's site names, exactly as the iLobby portal lists its sites (Settings, Sites). A row whose SITE is none of them is refused before anything is sent: iLobby would reject it and disable that person.",
        'For several address books (one API key per site), make this a list of targets, each with a "name" and its "sites": ["Toronto"].',
      ],
      tokenUrl: 'https://partnerapi.goilobby.com/auth/connect/token',
      uploadUrl: 'https://partnerapi.goilobby.com/addressbook/uploadcsv',
      clientId: 'your-client-id',
      clientSecretFile: SECRET_FILES.clientSecret,
      sites: ['Replace with the site names of your iLobby portal'],
    },
    safety: {
      $comment: 'iLobby disables everyone missing from an upload: a push that would disable more people than this is refused (exit 4) unless run with --force.',
      minRows: 1,
      maxDisableCount: 500,
      maxDisablePercent: 10,
    },
    stateDir: 'state',
  };
  const fields = {
    $schema: schemas.fields,
    $comment: [
      `How each CSV column is made from ${template.description} attributes (docs/mapping.md describes the forms).`,
      'A column is an attribute name, a list of them (the first non-empty wins), or an object such as',
      '{ "attribute": "distinguishedName", "match": "OU=([^,]+),OU=Staff", "map": { "TOR": "Toronto" }, "default": "Head Office" }.',
      'SITE must match a site name in the iLobby portal exactly.',
    ],
    ...template.fields,
  };
  return { config, fields };
}
