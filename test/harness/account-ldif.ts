// The LDIF of the account-state directory (account-fixture.ts) for each flavour of server: the
// same people, each locked or expired the way that server marks it.
import {
  BASE_DN,
  FRONT_DESK_GROUP,
  HOSTS_GROUP,
  LOCKED_ROLE,
  SERVICE_BIND_DN,
  SERVICE_BIND_PASSWORD,
  STATE_PEOPLE,
  shadowExpireOf,
  stateDn,
  type Flavour,
  type StatePerson,
} from './account-fixture.js';
import { ldifLine } from './ldap-fixture.js';

/** GeneralizedTime for a moment: 20260101120000Z. */
function generalizedTime(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

const LOCK_VALUES = ['TRUE', 'true', 'True'];

function stateAttributes(p: StatePerson, index: number, flavour: Flavour): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const expires = shadowExpireOf(p);
  if (expires !== undefined) out.push(['shadowExpire', expires]);
  if (flavour === '389ds') {
    if (p.state === 'locked') out.push(['nsAccountLock', LOCK_VALUES[index % LOCK_VALUES.length]!]);
    if (p.state === 'lockedByRole') out.push(['nsRoleDN', LOCKED_ROLE]);
  }
  if (flavour === 'ppolicy') {
    if (p.state === 'locked' || p.state === 'lockedByRole') out.push(['pwdAccountLockedTime', '000001010000Z']);
    if (p.state === 'lockedOutForNow') out.push(['pwdAccountLockedTime', generalizedTime(Date.now() - 60_000)]);
    if (p.state === 'lockoutOver') out.push(['pwdAccountLockedTime', '20200101000000Z']);
  }
  return out;
}

function entry(dn: string, attributes: Array<[string, string | undefined]>): string {
  let out = ldifLine('dn', dn);
  for (const [name, value] of attributes) if (value !== undefined) out += ldifLine(name, value);
  return `${out}\n`;
}

function personEntry(p: StatePerson, index: number, flavour: Flavour): string {
  const a = p.aliases === true;
  return entry(stateDn(p), [
    ['objectClass', 'inetOrgPerson'],
    ['objectClass', 'shadowAccount'],
    ['uid', p.uid],
    ['cn', `${p.givenName} ${p.sn}`],
    ['givenName', p.givenName],
    [a ? 'surname' : 'sn', p.sn],
    ['title', p.title],
    ...p.mail.map((mail): [string, string] => [a ? 'rfc822Mailbox' : 'mail', mail]),
    [a ? 'mobileTelephoneNumber' : 'mobile', p.mobile],
    [a ? 'localityName' : 'l', p.l],
    ...(flavour === 'ppolicy' && p.group !== undefined ? [['memberOf', p.group === 'hosts' ? HOSTS_GROUP : FRONT_DESK_GROUP] as [string, string]] : []),
    ...stateAttributes(p, index, flavour),
  ]);
}

/** The directory for `flavour`: suffix, OUs, the read-only service account, groups, people (and 389-ds's access rules and lock role). */
export function stateLdif(flavour: Flavour): string {
  const parts: string[] = [];
  const suffix: Array<[string, string]> = [
    ['objectClass', 'dcObject'],
    ['objectClass', 'organization'],
    ['dc', 'example'],
    ['o', 'Example Org'],
  ];
  // 389-ds denies what no ACI allows, and "*" leaves out operational attributes: they are named.
  // The service account reads everything but passwords, which nobody but the directory manager reads.
  if (flavour === '389ds') {
    suffix.push(
      [
        'aci',
        `(targetattr="* || nsAccountLock || nsRoleDN || nsRole")(version 3.0; acl "roster reads people"; allow (read, search, compare) userdn="ldap:///${SERVICE_BIND_DN}";)`,
      ],
      ['aci', '(targetattr="userPassword")(version 3.0; acl "no one reads passwords"; deny (read, search, compare) userdn="ldap:///anyone";)'],
    );
  }
  parts.push(entry(BASE_DN, suffix));
  for (const ou of ['People', 'Groups', 'Services', ...(flavour === 'ppolicy' ? ['Policies'] : [])]) {
    parts.push(
      entry(`ou=${ou},${BASE_DN}`, [
        ['objectClass', 'organizationalUnit'],
        ['ou', ou],
      ]),
    );
  }
  parts.push(
    entry(SERVICE_BIND_DN, [
      ['objectClass', 'organizationalRole'],
      ['objectClass', 'simpleSecurityObject'],
      ['cn', 'roster'],
      ['userPassword', SERVICE_BIND_PASSWORD],
    ]),
  );
  if (flavour === 'ppolicy') {
    parts.push(
      entry(`cn=default,ou=Policies,${BASE_DN}`, [
        ['objectClass', 'pwdPolicy'],
        ['objectClass', 'device'],
        ['cn', 'default'],
        ['pwdAttribute', 'userPassword'],
        ['pwdLockout', 'TRUE'],
        ['pwdMaxFailure', '3'],
        ['pwdLockoutDuration', '3600'],
      ]),
    );
  }
  if (flavour === '389ds') parts.push(...roleLockEntries());
  const members = (group: StatePerson['group']) => STATE_PEOPLE.filter((p) => p.group === group).map(stateDn);
  parts.push(
    entry(FRONT_DESK_GROUP, [
      ['objectClass', 'groupOfUniqueNames'],
      ['cn', 'Front Desk'],
      // Case and blanks differ from the entries' own DNs, and one carries an optional UID.
      ...members('frontDesk').map((dn, i): [string, string] => [
        'uniqueMember',
        i === 0 ? dn.toUpperCase().replace(',', ', ') : i === 1 ? `${dn}#'0101'B` : dn,
      ]),
    ]),
  );
  parts.push(
    entry(HOSTS_GROUP, [
      ['objectClass', 'groupOfNames'],
      ['cn', 'Visitor Hosts'],
      ...[...members('hosts'), FRONT_DESK_GROUP].map((dn): [string, string] => ['member', dn]),
    ]),
  );
  STATE_PEOPLE.forEach((p, index) => parts.push(personEntry(p, index, flavour)));
  return parts.join('');
}

/** What `dsidm role lock` makes: a managed role, a nested "disabled" role and a CoS giving nsAccountLock to its members. */
function roleLockEntries(): string[] {
  const disabled = `cn=nsDisabledRole,${BASE_DN}`;
  const templates = `cn=nsAccountInactivationTmp,${BASE_DN}`;
  return [
    entry(LOCKED_ROLE, [
      ['objectClass', 'nsRoleDefinition'],
      ['objectClass', 'nsSimpleRoleDefinition'],
      ['objectClass', 'nsManagedRoleDefinition'],
      ['cn', 'Locked Staff'],
    ]),
    entry(disabled, [
      ['objectClass', 'nsRoleDefinition'],
      ['objectClass', 'nsComplexRoleDefinition'],
      ['objectClass', 'nsNestedRoleDefinition'],
      ['cn', 'nsDisabledRole'],
      ['nsRoleDN', LOCKED_ROLE],
    ]),
    entry(templates, [
      ['objectClass', 'nsContainer'],
      ['cn', 'nsAccountInactivationTmp'],
    ]),
    entry(`cn=${disabled.replace(/[=,]/g, (c) => `\\${c}`)},${templates}`, [
      ['objectClass', 'extensibleObject'],
      ['objectClass', 'costemplate'],
      ['cosPriority', '1'],
      ['nsAccountLock', 'true'],
    ]),
    entry(`cn=nsAccountInactivation_cos,${BASE_DN}`, [
      ['objectClass', 'cosSuperDefinition'],
      ['objectClass', 'cosClassicDefinition'],
      ['cn', 'nsAccountInactivation_cos'],
      ['cosTemplateDn', templates],
      ['cosSpecifier', 'nsRole'],
      ['cosAttribute', 'nsAccountLock operational'],
    ]),
  ];
}
