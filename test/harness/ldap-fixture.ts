// The generic-LDAP test directory: one in-memory definition of the people in it, from which
// both the LDIF that slapd loads and the CSV that roster must produce are derived.
//
//   node dist/test/harness/ldap-fixture.js     rewrites fixtures/ldap-people.ldif and
//                                              fixtures/ldap-expected.csv (both committed)
//
// The expected CSV is computed here with a deliberately tiny, independent implementation of
// the rules (trim, lower-case EMAIL, skip rows without EMAIL, first of a duplicate EMAIL wins,
// sort by EMAIL with `<`, RFC 4180 quoting only where needed, LF, UTF-8 without BOM). It never
// runs roster.
//
// Also exports generators for large directories (benchmarks): `writePeopleLdif` streams a
// complete directory with N people to a file; `writeGeneratedExpectedCsv` writes its CSV.
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Names every test agrees on
// ---------------------------------------------------------------------------------------------

export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=People,${BASE_DN}`;
export const CONTRACTORS_DN = `ou=Contractors,${PEOPLE_DN}`;
export const FORMER_DN = `ou=Former,${BASE_DN}`;
export const SERVICES_DN = `ou=Services,${BASE_DN}`;
/** Read-only service account roster binds as (cleartext userPassword in the LDIF: tests only). */
export const SERVICE_BIND_DN = `cn=roster,${SERVICES_DN}`;
export const SERVICE_BIND_PASSWORD = 'Roster-read-0nly';
/** The search base and filter the expected CSV is computed for. */
export const SEARCH_BASE = PEOPLE_DN;
export const FILTER = '(objectClass=inetOrgPerson)';

export const CSV_COLUMNS = ['FIRSTNAME', 'LASTNAME', 'TITLE', 'DIVISION', 'EMAIL', 'MOBILE', 'DESKPHONE', 'SITE'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** fields.config.json for the generic-LDAP fixture. */
export const FIELD_MAPPING: Readonly<Record<CsvColumn, PersonAttribute>> = {
  FIRSTNAME: 'givenName',
  LASTNAME: 'sn',
  TITLE: 'title',
  DIVISION: 'ou',
  EMAIL: 'mail',
  MOBILE: 'mobile',
  DESKPHONE: 'telephoneNumber',
  SITE: 'l',
};

export type PersonAttribute = 'givenName' | 'sn' | 'title' | 'ou' | 'mail' | 'mobile' | 'telephoneNumber' | 'l';

/** One inetOrgPerson. Absent attributes are simply not in the entry. Values are stored verbatim. */
export interface FixturePerson {
  uid: string;
  /** Which organizational unit holds the entry. */
  container: 'People' | 'Contractors' | 'Former';
  cn: string;
  givenName?: string;
  sn: string;
  title?: string;
  /** Department (inetOrgPerson allows `ou` on a person). */
  ou?: string;
  mail?: string;
  mobile?: string;
  telephoneNumber?: string;
  /** Locality: the SITE column. */
  l?: string;
}

const CONTAINER_DN: Record<FixturePerson['container'], string> = {
  People: PEOPLE_DN,
  Contractors: CONTRACTORS_DN,
  Former: FORMER_DN,
};

export function personDn(p: FixturePerson): string {
  return `uid=${p.uid},${CONTAINER_DN[p.container]}`;
}

// ---------------------------------------------------------------------------------------------
// The small fixture: ~65 entries, every awkward case once
// ---------------------------------------------------------------------------------------------

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Dennis',
  'Radia',
  'Niklaus',
  'Karen',
  'Leslie',
  'Shafi',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Wirth',
  'Jones',
  'Lamport',
  'Goldwasser',
  'Backus',
  'Kay',
];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Human Resources', 'Operations', 'Marketing', 'Legal', 'Research & Development'];
const TITLES = [
  'Software Engineer',
  'Account Executive',
  'Accountant',
  'HR Partner',
  'Operations Manager',
  'Marketing Specialist',
  'Counsel',
  'Research Scientist',
  'Team Lead',
  'Intern',
];
const SITES = ['Toronto', 'Montréal', 'London', 'Berlin', 'Vancouver'];

/** 45 ordinary people, derived by index arithmetic (no randomness). */
function ordinaryPeople(): FixturePerson[] {
  const people: FixturePerson[] = [];
  for (let i = 0; i < 45; i++) {
    const givenName = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const sn = LAST_NAMES[(i * 7 + Math.floor(i / FIRST_NAMES.length)) % LAST_NAMES.length]!;
    const local = `${givenName}.${sn}`;
    // every 5th address has capitals (roster lower-cases EMAIL)
    const mail = i % 5 === 2 ? `${local}@Example.ORG` : `${local.toLowerCase()}@example.org`;
    const p: FixturePerson = {
      uid: `${givenName}.${sn}`.toLowerCase(),
      container: 'People',
      cn: `${givenName} ${sn}`,
      givenName,
      sn,
      ou: DEPARTMENTS[i % DEPARTMENTS.length]!,
      mail,
    };
    if (i % 11 !== 10) p.title = TITLES[i % TITLES.length]!;
    if (i % 3 === 0) p.mobile = `+1 416 555 ${String(1000 + i).padStart(4, '0')}`;
    if (i % 2 === 0) p.telephoneNumber = `+1 416 555 ${String(2000 + i)} x${100 + i}`;
    if (i % 13 !== 12) p.l = SITES[i % SITES.length]!;
    people.push(p);
  }
  return people;
}

/** Hand-written people, each covering one rule. */
const SPECIAL_PEOPLE: FixturePerson[] = [
  // CSV quoting
  {
    uid: 'comma',
    container: 'People',
    cn: 'Carla Comma',
    givenName: 'Carla',
    sn: 'Comma',
    title: 'Director, Sales & Marketing',
    ou: 'Sales',
    mail: 'carla.comma@example.org',
    l: 'Toronto',
  },
  {
    uid: 'quote',
    container: 'People',
    cn: 'Quincy Quote',
    givenName: 'Quincy',
    sn: 'Quote',
    title: 'Head of "Special" Projects',
    ou: 'Operations',
    mail: 'quincy.quote@example.org',
    l: 'London',
  },
  {
    uid: 'newline',
    container: 'People',
    cn: 'Nina Newline',
    givenName: 'Nina',
    sn: 'Newline',
    title: 'Lead Engineer\nPlatform Team',
    ou: 'Engineering',
    mail: 'nina.newline@example.org',
    telephoneNumber: '+44 20 7946 0018',
    l: 'London',
  },
  {
    uid: 'both',
    container: 'People',
    cn: 'Bo Both',
    givenName: 'Bo',
    sn: "O'Both, Jr.",
    title: '"Chief" Officer, Fun',
    ou: 'Marketing',
    mail: 'bo.both@example.org',
    l: "St. John's",
  },
  {
    uid: 'formula',
    container: 'People',
    cn: 'Fay Formula',
    givenName: 'Fay',
    sn: 'Formula',
    title: '=1+2',
    ou: 'Finance',
    mail: 'fay.formula@example.org',
    mobile: '+1 514 555 0142',
    l: 'Montréal',
  },
  // Non-Latin scripts (base64 in the LDIF), including a 4-byte UTF-8 character
  {
    uid: 'ivan.petrov',
    container: 'People',
    cn: 'Иван Петров',
    givenName: 'Иван',
    sn: 'Петров',
    title: 'Инженер',
    ou: 'Engineering',
    mail: 'ivan.petrov@example.org',
    mobile: '+7 495 555 0101',
    l: 'Москва',
  },
  {
    uid: 'taro.yamada',
    container: 'People',
    cn: '山田 太郎',
    givenName: '太郎',
    sn: '山田',
    title: 'エンジニア',
    ou: 'Engineering',
    mail: 'taro.yamada@example.org',
    telephoneNumber: '+81 3 5555 0199',
    l: '東京',
  },
  {
    uid: 'zoe.angstrom',
    container: 'People',
    cn: 'Zoë Ångström-Ødegård',
    givenName: 'Zoë',
    sn: 'Ångström-Ødegård',
    title: 'Chief Happiness Officer 🎉',
    ou: 'Human Resources',
    mail: 'zoe.angstrom@example.org',
    l: 'Berlin',
  },
  {
    uid: 'nikos',
    container: 'People',
    cn: 'Νίκος Παπαδόπουλος',
    givenName: 'Νίκος',
    sn: 'Παπαδόπουλος',
    title: 'Λογιστής',
    ou: 'Finance',
    mail: 'nikos.papadopoulos@example.org',
    l: 'Berlin',
  },
  { uid: 'fatima', container: 'People', cn: 'فاطمة الزهراء', givenName: 'فاطمة', sn: 'الزهراء', ou: 'Legal', mail: 'fatima.zahra@example.org', l: 'London' },
  // Trimming: leading/trailing blanks everywhere; inner double blank kept
  {
    uid: 'padded',
    container: 'People',
    cn: 'Padded Person',
    givenName: '  Padded  ',
    sn: 'Person ',
    title: ' Analyst',
    ou: ' Finance ',
    mail: '  Padded.Person@Example.org  ',
    mobile: ' +1 416 555 0177 ',
    l: 'Toronto ',
  },
  { uid: 'mary.ann', container: 'People', cn: 'Mary  Ann Smith', givenName: 'Mary  Ann', sn: 'Smith', ou: 'Sales', mail: 'mary.ann.smith@example.org' },
  // Only a surname
  { uid: 'teller', container: 'People', cn: 'Teller', sn: 'Teller', title: 'Magician', ou: 'Marketing', mail: 'teller@example.org' },
  // Sorting: '-' (45) < '.' (46) < '_' (95) with `<`; capitals sort only after lower-casing
  {
    uid: 'anne-marie',
    container: 'People',
    cn: 'Anne-Marie Dupont',
    givenName: 'Anne-Marie',
    sn: 'Dupont',
    ou: 'Sales',
    mail: 'anne-marie.dupont@example.org',
    l: 'Montréal',
  },
  { uid: 'anne.martin', container: 'People', cn: 'Anne Martin', givenName: 'Anne', sn: 'Martin', ou: 'Sales', mail: 'anne.martin@example.org', l: 'Montréal' },
  { uid: 'anne_oneil', container: 'People', cn: "Anne O'Neil", givenName: 'Anne', sn: "O'Neil", ou: 'Sales', mail: 'anne_oneil@example.org', l: 'Toronto' },
  { uid: 'zed', container: 'People', cn: 'Zed Upper', givenName: 'Zed', sn: 'Upper', ou: 'Operations', mail: 'ZED.UPPER@EXAMPLE.ORG', l: 'Vancouver' },
  // No usable mail: skipped (the last one is blanks only, empty once trimmed)
  {
    uid: 'nomail1',
    container: 'People',
    cn: 'Noah Nomail',
    givenName: 'Noah',
    sn: 'Nomail',
    title: 'Driver',
    ou: 'Operations',
    mobile: '+1 416 555 0001',
    l: 'Toronto',
  },
  { uid: 'nomail2', container: 'People', cn: 'Nora Nomail', givenName: 'Nora', sn: 'Nomail', ou: 'Operations' },
  { uid: 'nomail3', container: 'Contractors', cn: 'Ned Nomail', givenName: 'Ned', sn: 'Nomail', title: 'Cleaner', l: 'London' },
  { uid: 'blankmail', container: 'People', cn: 'Bianca Blank', givenName: 'Bianca', sn: 'Blank', ou: 'Legal', mail: '   ', l: 'Berlin' },
  // Duplicate mails (case / blanks differ, every other field identical): the first one wins
  {
    uid: 'jsmith',
    container: 'People',
    cn: 'John Smith',
    givenName: 'John',
    sn: 'Smith',
    title: 'Architect',
    ou: 'Engineering',
    mail: 'John.Smith@example.org',
    mobile: '+1 416 555 0123',
    telephoneNumber: '+1 416 555 0456',
    l: 'Toronto',
  },
  {
    uid: 'jsmith2',
    container: 'People',
    cn: 'John Smith',
    givenName: 'John',
    sn: 'Smith',
    title: 'Architect',
    ou: 'Engineering',
    mail: 'john.smith@EXAMPLE.ORG',
    mobile: '+1 416 555 0123',
    telephoneNumber: '+1 416 555 0456',
    l: 'Toronto',
  },
  {
    uid: 'mgarcia',
    container: 'People',
    cn: 'María García',
    givenName: 'María',
    sn: 'García',
    title: 'Consultant',
    ou: 'Operations',
    mail: 'Maria.Garcia@example.org',
    l: 'Vancouver',
  },
  {
    uid: 'mgarcia-contractor',
    container: 'Contractors',
    cn: 'María García',
    givenName: 'María',
    sn: 'García',
    title: 'Consultant',
    ou: 'Operations',
    mail: ' maria.garcia@example.org',
    l: 'Vancouver',
  },
  // Contractors: a sub-OU of the search base, so a subtree search must include them
  {
    uid: 'carl.contract',
    container: 'Contractors',
    cn: 'Carl Contract',
    givenName: 'Carl',
    sn: 'Contract',
    title: 'Contractor',
    ou: 'Engineering',
    mail: 'carl.contract@example.org',
    l: 'Toronto',
  },
  {
    uid: 'cora.contract',
    container: 'Contractors',
    cn: 'Cora Contract',
    givenName: 'Cora',
    sn: 'Contract',
    title: 'Contractor',
    ou: 'Marketing',
    mail: 'cora.contract@example.org',
    mobile: '+1 604 555 0150',
    l: 'Vancouver',
  },
  // Former staff: outside the search base; never exported (one shares a current person's mail)
  {
    uid: 'old.lovelace',
    container: 'Former',
    cn: 'Ada Lovelace',
    givenName: 'Ada',
    sn: 'Lovelace',
    title: 'Retired',
    ou: 'Engineering',
    mail: 'ada.lovelace@example.org',
    l: 'London',
  },
  { uid: 'fred.former', container: 'Former', cn: 'Fred Former', givenName: 'Fred', sn: 'Former', ou: 'Sales', mail: 'fred.former@example.org', l: 'Toronto' },
  {
    uid: 'fiona.former',
    container: 'Former',
    cn: 'Fiona Former',
    givenName: 'Fiona',
    sn: 'Former',
    ou: 'Legal',
    mail: 'fiona.former@example.org',
    l: 'Berlin',
  },
];

/** Every person in the small fixture, in LDIF order (ordinary people first). */
export const PEOPLE: readonly FixturePerson[] = [...ordinaryPeople(), ...SPECIAL_PEOPLE];

{
  const uids = new Set<string>();
  for (const p of PEOPLE) {
    if (uids.has(p.uid)) throw new Error(`ldap-fixture: duplicate uid ${p.uid}`);
    uids.add(p.uid);
  }
}

const inBase = (p: FixturePerson) => p.container === 'People' || p.container === 'Contractors';

// ---------------------------------------------------------------------------------------------
// LDIF
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- RFC 2849's SAFE-STRING is defined by control-character ranges
const SAFE_STRING = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;

/** One `attr: value` line (RFC 2849), base64 (`attr:: …`) when the value is not a SAFE-STRING or ends in a blank. */
export function ldifLine(attribute: string, value: string): string {
  if (SAFE_STRING.test(value) && !value.endsWith(' ')) return `${attribute}: ${value}\n`;
  return `${attribute}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

function ldifEntry(dn: string, attributes: Array<[string, string | undefined]>): string {
  let out = ldifLine('dn', dn);
  for (const [name, value] of attributes) if (value !== undefined) out += ldifLine(name, value);
  return `${out}\n`;
}

function personEntry(p: FixturePerson): string {
  return ldifEntry(personDn(p), [
    ['objectClass', 'inetOrgPerson'],
    ['uid', p.uid],
    ['cn', p.cn],
    ['givenName', p.givenName],
    ['sn', p.sn],
    ['title', p.title],
    ['ou', p.ou],
    ['mail', p.mail],
    ['mobile', p.mobile],
    ['telephoneNumber', p.telephoneNumber],
    ['l', p.l],
  ]);
}

function firstRdnValue(dn: string, attribute: string): string {
  const m = new RegExp(`^${attribute}=([^,]+),?`, 'i').exec(dn);
  if (!m) throw new Error(`ldap-fixture: ${dn} does not start with ${attribute}=`);
  return m[1]!;
}

/**
 * The entries every directory needs: the suffix, ou=People, ou=Services and the read-only service
 * account (cn=roster). `baseDn` must start with `dc=`.
 */
export function skeletonLdif(baseDn = BASE_DN): string {
  const dc = firstRdnValue(baseDn, 'dc');
  return [
    ldifEntry(baseDn, [
      ['objectClass', 'dcObject'],
      ['objectClass', 'organization'],
      ['dc', dc],
      ['o', 'Example Org'],
    ]),
    ldifEntry(`ou=Services,${baseDn}`, [
      ['objectClass', 'organizationalUnit'],
      ['ou', 'Services'],
    ]),
    ldifEntry(`cn=roster,ou=Services,${baseDn}`, [
      ['objectClass', 'organizationalRole'],
      ['objectClass', 'simpleSecurityObject'],
      ['cn', 'roster'],
      ['description', 'read-only service account for roster'],
      ['userPassword', SERVICE_BIND_PASSWORD],
    ]),
    ldifEntry(`ou=People,${baseDn}`, [
      ['objectClass', 'organizationalUnit'],
      ['ou', 'People'],
    ]),
  ].join('');
}

/** The complete small directory (fixtures/ldap-people.ldif). */
export function smallFixtureLdif(): string {
  const parts = [skeletonLdif(BASE_DN)];
  parts.push(
    ldifEntry(CONTRACTORS_DN, [
      ['objectClass', 'organizationalUnit'],
      ['ou', 'Contractors'],
    ]),
  );
  parts.push(
    ldifEntry(FORMER_DN, [
      ['objectClass', 'organizationalUnit'],
      ['ou', 'Former'],
    ]),
  );
  // Not a person: inside the search base, excluded by the filter.
  parts.push(
    ldifEntry(`cn=Reception,${PEOPLE_DN}`, [
      ['objectClass', 'organizationalRole'],
      ['cn', 'Reception'],
      ['ou', 'Operations'],
      ['telephoneNumber', '+1 416 555 0000'],
      ['l', 'Toronto'],
    ]),
  );
  for (const p of PEOPLE) parts.push(personEntry(p));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Expected CSV, by an independent tiny implementation of the rules
// ---------------------------------------------------------------------------------------------

/** RFC 4180: quote only when the field holds a comma, double quote, CR or LF; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

export interface ExpectedRoster {
  csv: string;
  /** inetOrgPerson entries under the search base (what the LDAP search returns). */
  peopleInBase: number;
  rows: number;
  skippedNoEmail: number;
  /** Entries dropped because an earlier entry had the same EMAIL (case-insensitive). */
  duplicates: number;
}

export function expectedRoster(people: readonly FixturePerson[]): ExpectedRoster {
  const found = people.filter(inBase);
  const seen = new Set<string>();
  const rows: string[][] = [];
  let skippedNoEmail = 0;
  let duplicates = 0;
  for (const p of found) {
    const row = CSV_COLUMNS.map((column) => (p[FIELD_MAPPING[column]] ?? '').trim());
    const email = row[4]!.toLowerCase();
    row[4] = email;
    if (email === '') {
      skippedNoEmail++;
      continue;
    }
    if (seen.has(email)) {
      duplicates++;
      continue;
    }
    seen.add(email);
    rows.push(row);
  }
  rows.sort((a, b) => (a[4]! < b[4]! ? -1 : a[4]! > b[4]! ? 1 : 0));
  const csv = csvRecord(CSV_COLUMNS) + rows.map(csvRecord).join('');
  return { csv, peopleInBase: found.length, rows: rows.length, skippedNoEmail, duplicates };
}

const EXPECTED = expectedRoster(PEOPLE);
/** inetOrgPerson entries in ou=People (subtree, Contractors included): what ldapsearch counts. */
export const PEOPLE_IN_BASE = EXPECTED.peopleInBase;
/** Data rows (header excluded) in fixtures/ldap-expected.csv. */
export const EXPECTED_ROWS = EXPECTED.rows;
/** People in the base skipped for having no (or only a blank) mail. */
export const SKIPPED_NO_EMAIL = EXPECTED.skippedNoEmail;
/** People in the base dropped because their mail repeats an earlier one. */
export const DUPLICATE_EMAILS = EXPECTED.duplicates;
/** People under ou=Former: in the directory, outside the search base. */
export const FORMER_PEOPLE = PEOPLE.filter((p) => p.container === 'Former').length;
/** Every inetOrgPerson in the directory. */
export const ALL_PEOPLE = PEOPLE.length;

// ---------------------------------------------------------------------------------------------
// Large generated directories (benchmarks)
// ---------------------------------------------------------------------------------------------

const GEN_FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Zoë',
  'Barbara',
  'Donald',
  'Иван',
  'Ken',
  'Margaret',
  'Dennis',
  'Radia',
  'Niklaus',
  '太郎',
  'Leslie',
  'Shafi',
  'María',
  'Søren',
  'Chloé',
  'Jürgen',
  'Priya',
];
const GEN_LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Wirth',
  'Jones',
  'Lamport',
  'Goldwasser',
  'Backus',
  "O'Neil",
  'Smith, Jr.',
  'Kay',
  'Ng',
];

/**
 * Person number `i` of a generated directory. Deterministic; every one has a unique mail
 * (`person.NNNNNN@example.org`, zero-padded so mail order is index order), so every one is a row.
 */
export function generatedPerson(i: number): FixturePerson {
  const id = String(i).padStart(6, '0');
  const givenName = GEN_FIRST[i % GEN_FIRST.length]!;
  const sn = GEN_LAST[Math.floor(i / GEN_FIRST.length) % GEN_LAST.length]!;
  const p: FixturePerson = {
    uid: `person.${id}`,
    container: 'People',
    cn: `${givenName} ${sn}`,
    givenName,
    sn,
    title: TITLES[i % TITLES.length]!,
    ou: DEPARTMENTS[i % DEPARTMENTS.length]!,
    mail: i % 4 === 1 ? `Person.${id}@Example.org` : `person.${id}@example.org`,
    l: SITES[i % SITES.length]!,
  };
  if (i % 3 === 0) p.mobile = `+1 416 555 ${String(i % 10000).padStart(4, '0')}`;
  if (i % 2 === 0) p.telephoneNumber = `+1 647 555 ${String((i * 7) % 10000).padStart(4, '0')}`;
  return p;
}

function generatedEntry(i: number, baseDn: string): string {
  const p = generatedPerson(i);
  const entry = personEntry(p);
  return baseDn === BASE_DN ? entry : entry.replace(PEOPLE_DN, `ou=People,${baseDn}`);
}

/** A complete directory (skeleton + `count` people under ou=People) as one string. Fine up to ~10^5. */
export function generatePeopleLdif(count: number, baseDn = BASE_DN): string {
  const parts = [skeletonLdif(baseDn)];
  for (let i = 0; i < count; i++) parts.push(generatedEntry(i, baseDn));
  return parts.join('');
}

function writeInBatches(path: string, count: number, header: string, item: (i: number) => string): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let batch = header;
    for (let i = 0; i < count; i++) {
      batch += item(i);
      if (batch.length >= 1 << 20) {
        bytes += writeSync(fd, batch);
        batch = '';
      }
    }
    if (batch) bytes += writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * Same as generatePeopleLdif, streamed to `path` in ~1 MiB writes (100,000 people ≈ 30 MB, well under a second).
 * Returns the number of person entries and the bytes written.
 */
export function writePeopleLdif(path: string, count: number, baseDn = BASE_DN): { people: number; bytes: number } {
  const bytes = writeInBatches(path, count, skeletonLdif(baseDn), (i) => generatedEntry(i, baseDn));
  return { people: count, bytes };
}

/** The CSV roster must produce from a generated directory (search base ou=People, FIELD_MAPPING): `count` rows. */
export function writeGeneratedExpectedCsv(path: string, count: number): { rows: number; bytes: number } {
  // Mails are zero-padded and differ only in the number, so index order is `<` order of the lower-cased mail.
  const bytes = writeInBatches(path, count, csvRecord(CSV_COLUMNS), (i) => {
    const p = generatedPerson(i);
    return csvRecord(
      CSV_COLUMNS.map((c) => {
        const v = (p[FIELD_MAPPING[c]] ?? '').trim();
        return c === 'EMAIL' ? v.toLowerCase() : v;
      }),
    );
  });
  return { rows: count, bytes };
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ldap-fixture: no package.json above this file');
    dir = parent;
  }
}

export const FIXTURES_DIR = join(findRepoRoot(), 'fixtures');
export const PEOPLE_LDIF_FILE = join(FIXTURES_DIR, 'ldap-people.ldif');
export const EXPECTED_CSV_FILE = join(FIXTURES_DIR, 'ldap-expected.csv');

export function writeFixtures(): void {
  writeFileSync(PEOPLE_LDIF_FILE, smallFixtureLdif());
  writeFileSync(EXPECTED_CSV_FILE, EXPECTED.csv);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFixtures();
  console.log(`wrote ${PEOPLE_LDIF_FILE} (${ALL_PEOPLE} people, ${PEOPLE_IN_BASE} in ${SEARCH_BASE})`);
  console.log(`wrote ${EXPECTED_CSV_FILE} (${EXPECTED_ROWS} rows; skipped ${SKIPPED_NO_EMAIL} without mail, ` + `${DUPLICATE_EMAILS} duplicate mails)`);
}
