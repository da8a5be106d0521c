// What lifts a size or time limit that stopped a search, said for the server that set it: each
// directory keeps its limits in its own place, and the generic advice (a smaller page) helps none
// of them. Pure.
import type { ServerKind } from './rootDse.js';

export function sizeLimitHint(server: ServerKind | undefined): string {
  switch (server) {
    case 'openldap':
      return 'OpenLDAP limits the total of a paged search to the hard size limit (500 on a stock slapd), whatever the page size: give the bind account its own limit in slapd.conf, `limits dn.exact="<bind DN>" size.prtotal=unlimited` (or olcLimits in cn=config), and restart slapd.';
    case '389ds':
      return "389-ds: set nsPagedSizeLimit: -1 (paged searches) or nsSizeLimit: -1 on the bind account's entry (ldapmodify as Directory Manager), or raise nsslapd-pagedsizelimit in cn=config.";
    case 'ad':
    case 'samba':
      return 'Active Directory: keep directory.pageSize at or below the domain\'s MaxPageSize (1000 unless changed with ntdsutil "ldap policies"); a lowered MaxResultSetSize or MaxTempTableSize in the query policy ends paged searches too.';
    default:
      return 'Give the bind account an unlimited size limit for paged searches on the directory server.';
  }
}

export function timeLimitHint(server: ServerKind | undefined): string {
  switch (server) {
    case 'openldap':
      return 'Raise directory.timeoutSeconds; OpenLDAP also applies the bind account\'s time limit: `limits dn.exact="<bind DN>" time=unlimited` in slapd.conf.';
    case '389ds':
      return "Raise directory.timeoutSeconds; 389-ds also applies nsTimeLimit on the bind account's entry (-1: none) and nsslapd-timelimit in cn=config.";
    case 'ad':
    case 'samba':
      return 'Raise directory.timeoutSeconds; Active Directory also ends a search at the query policy\'s MaxQueryDuration (ntdsutil "ldap policies"). Check the domain controller\'s load.';
    default:
      return "Raise directory.timeoutSeconds, or check the directory server's load and the network.";
  }
}
