// The account-state test directory: one in-memory list of people, each enabled or disabled in one
// way, from which the LDIF for 389-ds, for OpenLDAP with ppolicy and for OpenLDAP with posix
// (shadow) data alone are written (account-ldif.ts), and the rows an export must hold. The rows are computed here
// by a deliberately tiny, independent implementation of the rules (who is enabled on which
// server; trim, lower-case EMAIL, the value that sorts first, sort by EMAIL), never by roster.
import { CSV_COLUMNS, csvRecord, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD } from './ldap-fixture.js';

export { SERVICE_BIND_DN, SERVICE_BIND_PASSWORD };
export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=People,${BASE_DN}`;
export const GROUPS_DN = `ou=Groups,${BASE_DN}`;
export const HOSTS_GROUP = `cn=Visitor Hosts,${GROUPS_DN}`;
export const FRONT_DESK_GROUP = `cn=Front Desk,${GROUPS_DN}`;
export const LOCKED_ROLE = `cn=Locked Staff,${PEOPLE_DN}`;

/** Which server (and so which lock mechanism) the LDIF is for; every flavour carries shadowExpire. */
export type Flavour = '389ds' | 'ppolicy' | 'shadow';

export type AccountState =
  | 'enabled'
  /** 389-ds nsAccountLock TRUE; ppolicy pwdAccountLockedTime 000001010000Z; nothing in plain posix data. */
  | 'locked'
  /** 389-ds: a member of a role whose CoS gives nsAccountLock; ppolicy: as locked. */
  | 'lockedByRole'
  /** ppolicy: locked out by failed binds a minute ago, for an hour: it ends by itself. */
  | 'lockedOutForNow'
  /** ppolicy: a lockout of 2020, long over. */
  | 'lockoutOver'
  | 'expired'
  | 'expiresLater'
  | 'neverExpires';

export interface StatePerson {
  uid: string;
  givenName: string;
  sn: string;
  /** mail values in the order they are stored. */
  mail: string[];
  title?: string;
  l?: string;
  mobile?: string;
  state: AccountState;
  /** Written under these alias names in the LDIF (the server keeps them as their type). */
  aliases?: boolean;
  /** Direct member of the Visitor Hosts group (groupOfNames) or of Front Desk (groupOfUniqueNames, itself a member of Visitor Hosts). */
  group?: 'hosts' | 'frontDesk';
}

const DAY_MS = 86_400_000;
export const TODAY = Math.floor(Date.now() / DAY_MS);

export const STATE_PEOPLE: readonly StatePerson[] = [
  { uid: 'ada', givenName: 'Ada', sn: 'Lovelace', mail: ['ada.lovelace@example.org'], title: 'Engineer', l: 'London', state: 'enabled', group: 'hosts' },
  { uid: 'grace', givenName: 'Grace', sn: 'Hopper', mail: ['grace.hopper@example.org'], l: 'Toronto', mobile: '+1 416 555 0101', state: 'enabled' },
  {
    uid: 'zoë.ångström',
    givenName: 'Zoë',
    sn: 'Ångström-Ødegård',
    mail: ['zoe.angstrom@example.org'],
    title: 'Chief Happiness Officer 🎉',
    l: 'Berlin',
    state: 'enabled',
    group: 'frontDesk',
  },
  { uid: 'taro', givenName: '太郎', sn: '山田', mail: ['taro.yamada@example.org'], title: 'エンジニア', l: '東京', state: 'enabled' },
  { uid: 'ivan', givenName: 'Иван', sn: 'Петров', mail: ['ivan.petrov@example.org'], l: 'Москва', state: 'enabled', group: 'hosts' },
  { uid: 'nunez', givenName: 'José', sn: 'Núñez', mail: ['Jose.Nunez@Example.ORG'], l: 'Montréal', state: 'enabled', aliases: true },
  { uid: 'radia', givenName: 'Radia', sn: 'Perlman', mail: ['radia.perlman@example.org'], mobile: '+1 514 555 0102', state: 'enabled', aliases: true },
  // Several mail values: the alias sorts first; a pick rule chooses the primary address.
  {
    uid: 'barbara',
    givenName: 'Barbara',
    sn: 'Liskov',
    mail: ['barbara.liskov@example.org', 'b.liskov@mail.example.org'],
    state: 'enabled',
    group: 'frontDesk',
  },
  { uid: 'edsger', givenName: 'Edsger', sn: 'Dijkstra', mail: ['e.dijkstra@mail.example.org', 'edsger.dijkstra@example.org'], state: 'enabled' },
  {
    uid: 'donald',
    givenName: 'Donald',
    sn: 'Knuth',
    mail: ['d.knuth@mail.example.org', 'donald.knuth@example.org', 'TAOCP@mail.example.org'],
    state: 'enabled',
  },
  { uid: 'nomail', givenName: 'Noah', sn: 'Nomail', mail: [], l: 'Toronto', state: 'enabled' },
  // Disabled, each in its own way
  { uid: 'locked1', givenName: 'Lucy', sn: 'Locked', mail: ['lucy.locked@example.org'], state: 'locked', group: 'hosts' },
  { uid: 'locked2', givenName: 'Leo', sn: 'Locked', mail: ['leo.locked@example.org'], state: 'locked' },
  { uid: 'locked3', givenName: 'Lena', sn: 'Locked', mail: ['lena.locked@example.org', 'l.locked@mail.example.org'], state: 'locked' },
  { uid: 'rolelocked', givenName: 'Rolf', sn: 'Role', mail: ['rolf.role@example.org'], state: 'lockedByRole', group: 'frontDesk' },
  { uid: 'lockednow', givenName: 'Tom', sn: 'Tempo', mail: ['tom.tempo@example.org'], state: 'lockedOutForNow' },
  { uid: 'lockedonce', givenName: 'Olga', sn: 'Once', mail: ['olga.once@example.org'], state: 'lockoutOver' },
  { uid: 'expired1', givenName: 'Eve', sn: 'Expired', mail: ['eve.expired@example.org'], state: 'expired', group: 'hosts' },
  { uid: 'expired2', givenName: 'Ezra', sn: 'Expired', mail: ['ezra.expired@example.org'], state: 'expired' },
  { uid: 'later', givenName: 'Lara', sn: 'Later', mail: ['lara.later@example.org'], state: 'expiresLater' },
  { uid: 'never1', givenName: 'Nils', sn: 'Never', mail: ['nils.never@example.org'], state: 'neverExpires' },
  { uid: 'never0', givenName: 'Nora', sn: 'Zero', mail: ['nora.zero@example.org'], state: 'neverExpires' },
];

export function stateDn(p: StatePerson): string {
  return `uid=${p.uid},${PEOPLE_DN}`;
}

/** Whether `p` is enabled on a server of `flavour`: the rule each server's own tools apply. */
export function isEnabled(p: StatePerson, flavour: Flavour): boolean {
  switch (p.state) {
    case 'expired':
      return false;
    case 'locked':
    case 'lockedByRole':
      return flavour === 'shadow'; // plain posix data has no lock; only shadowExpire counts
    default:
      return true;
  }
}

/** The shadowExpire a person's LDIF carries (every flavour), or undefined. Expired: 30 days ago, or today (expired on the day). */
export function shadowExpireOf(p: StatePerson): string | undefined {
  if (p.state === 'expired') return String(STATE_PEOPLE.indexOf(p) % 2 === 0 ? TODAY - 30 : TODAY);
  if (p.state === 'expiresLater') return String(TODAY + 365);
  if (p.state === 'neverExpires') return p.uid === 'never0' ? '0' : '-1';
  return undefined;
}

export type Mapping = Readonly<Record<(typeof CSV_COLUMNS)[number], string>>;

/** Which value of `values` a column takes: the one that sorts first, or (pick first) the first stored. */
function valueOf(values: readonly string[], pick: 'lowest' | 'first'): string {
  const trimmed = values.map((v) => v.trim()).filter((v) => v !== '');
  if (pick === 'first') return trimmed[0] ?? '';
  return trimmed.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] ?? '';
}

function attributeValues(p: StatePerson, attribute: string): string[] {
  const value = (p as unknown as Record<string, string | string[] | undefined>)[attribute];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export interface ExpectedExport {
  csv: string;
  /** Enabled people with a mail: what an ldapsearch with the right filter counts. */
  rows: number;
}

/** The CSV an export of ou=People on `flavour` must write with `mapping` (attributes of StatePerson; ou maps to nothing). */
export function expectedExport(
  flavour: Flavour,
  mapping: Mapping,
  options: { pick?: 'lowest' | 'first'; only?: (p: StatePerson) => boolean } = {},
): ExpectedExport {
  const rows = STATE_PEOPLE.filter((p) => isEnabled(p, flavour) && (options.only?.(p) ?? true))
    .map((p) => CSV_COLUMNS.map((column) => valueOf(attributeValues(p, mapping[column]), column === 'EMAIL' ? (options.pick ?? 'lowest') : 'lowest')))
    .map((row) => row.map((value, i) => (i === 4 ? value.toLowerCase() : value)))
    .filter((row) => row[4] !== '')
    .sort((a, b) => (a[4]! < b[4]! ? -1 : a[4]! > b[4]! ? 1 : 0));
  return { csv: csvRecord(CSV_COLUMNS) + rows.map(csvRecord).join(''), rows: rows.length };
}

/** Members of Visitor Hosts, Front Desk's included. */
export const isHost = (p: StatePerson) => p.group !== undefined;

/** The filter an administrator would write for ldapsearch to count who is enabled on `flavour` (shadowExpire by its known values). */
export function enabledFilter(flavour: Flavour): string {
  const expiredDays = [...new Set(STATE_PEOPLE.filter((p) => p.state === 'expired').map(shadowExpireOf))];
  const notExpired = `(!(|${expiredDays.map((day) => `(shadowExpire=${day})`).join('')}))`;
  const lock = flavour === '389ds' ? '(!(nsAccountLock=true))' : flavour === 'ppolicy' ? '(!(pwdAccountLockedTime=000001010000Z))' : '';
  return `(&(objectClass=inetOrgPerson)(mail=*)${lock}${notExpired})`;
}
