// The Active Directory test data, defined once in memory. Running this module
//   node dist/test/harness/ad-fixture.js
// writes both committed files from that one definition:
//   fixtures/ad-people.ldif   — loaded into the Samba AD DC by test/harness/samba.ts
//   fixtures/ad-expected.csv  — the CSV roster must produce for OU=Staff with the default filter and
//                               the default fields mapping (DEFAULT_FIELDS below)
// The expected CSV is computed here from the definition (never by running roster), with its own
// tiny quoting function, so the two cannot drift apart without the generator being re-run.
// Importing this module has no side effects; tests import the constants and `expectedExtract()`.
//
// What the directory holds (DC=corp,DC=example,DC=com):
//   OU=Staff                     the default search base
//     OU=Toronto, OU=Montreal    1,150 generated enabled people (575 + 575), more than AD's
//                                MaxPageSize of 1000, so a search must page; enabled
//                                userAccountControl values cycle through 512, 544, 66048, 66080
//     (and directly in OU=Staff) hand-written special people: commas, double quotes, LF and CRLF
//                                inside values, Japanese/Greek/Cyrillic/Arabic/accented names, an
//                                emoji, leading/trailing/whitespace-only values, formula-like values,
//                                mail in upper case, people with a userPrincipalName but no mail
//                                (their UPN becomes EMAIL), people with neither (skipped "no email"),
//                                one with mail 'not-an-email' and no UPN (skipped "invalid email"),
//                                and two accounts whose mail differs only in case (one row)
//     disabled people (userAccountControl 514, 546, 66050, 66082) with mail  — never exported
//     contacts (objectClass=contact) with mail                             — never exported
//     computers (objectClass=computer, enabled, 4096) with mail            — never exported
//     a mail-enabled group                                                  — never exported
//   OU=Partners                  21 people (20 enabled) — a second search base
//   OU=Contractors               10 enabled people with mail, outside the default search base
//   OU=Groups                    CN=Visitor Hosts ⊃ CN=Reception ⊃ CN=Front Desk (nested two levels)
//   OU=Empty                     no entries below it at all
//   OU=Warehouse                 402 people (400 enabled) for `roster officevibe export`; outside
//                                every search base above, so no existing search changes
//   OU=Officevibe Groups         CN=All Employees: every user of OU=Staff and OU=Warehouse (disabled
//                                ones too), a contact, and the nested groups CN=Warehouse Leads and
//                                CN=Night Shift: over 1,500 member values, which AD only returns in
//                                ranges (Samba returns them whole unless asked for ranges); managedBy
//                                Émilie Côté. CN=Warehouse Leads: 5 warehouse
//                                people, managedBy a Toronto person who is not a member.
//                                CN=Night Shift: 3 warehouse people, no manager.
//   CN=svc-roster,CN=Users       the service account roster binds as (password set by the harness)
//
// Rules used for the expected CSV (the product contract, PRODUCT.md):
//   header FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE; every value trimmed;
//   EMAIL = first non-empty of [mail, userPrincipalName], lower-cased, must look like an address;
//   one row per EMAIL (the two duplicate accounts have identical other fields, so which one is kept
//   does not matter); rows sorted by EMAIL with plain `<` (UTF-16 code units); RFC 4180 quoting only
//   when a field holds a comma, double quote, CR or LF; every record ends with LF (including the
//   last); UTF-8 without BOM.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BASE_DN = 'DC=corp,DC=example,DC=com';
export const DNS_DOMAIN = 'corp.example.com';
export const STAFF_DN = `OU=Staff,${BASE_DN}`;
export const TORONTO_DN = `OU=Toronto,${STAFF_DN}`;
export const MONTREAL_DN = `OU=Montreal,${STAFF_DN}`;
export const PARTNERS_DN = `OU=Partners,${BASE_DN}`;
export const CONTRACTORS_DN = `OU=Contractors,${BASE_DN}`;
export const GROUPS_DN = `OU=Groups,${BASE_DN}`;
export const EMPTY_DN = `OU=Empty,${BASE_DN}`;
export const USERS_DN = `CN=Users,${BASE_DN}`;
export const VISITOR_HOSTS_DN = `CN=Visitor Hosts,${GROUPS_DN}`;
export const RECEPTION_DN = `CN=Reception,${GROUPS_DN}`;
export const FRONT_DESK_DN = `CN=Front Desk,${GROUPS_DN}`;
export const WAREHOUSE_DN = `OU=Warehouse,${BASE_DN}`;
export const OFFICEVIBE_GROUPS_DN = `OU=Officevibe Groups,${BASE_DN}`;
export const ALL_EMPLOYEES_DN = `CN=All Employees,${OFFICEVIBE_GROUPS_DN}`;
export const WAREHOUSE_LEADS_DN = `CN=Warehouse Leads,${OFFICEVIBE_GROUPS_DN}`;
export const NIGHT_SHIFT_DN = `CN=Night Shift,${OFFICEVIBE_GROUPS_DN}`;

/** The account roster binds as. Its password is set by the harness (not stored in the LDIF). */
export const SERVICE_ACCOUNT = {
  dn: `CN=svc-roster,${USERS_DN}`,
  sAMAccountName: 'svc-roster',
  userPrincipalName: `svc-roster@${DNS_DOMAIN}`,
} as const;

export const DEFAULT_FILTER = '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))';

export const CSV_COLUMNS = ['FIRSTNAME', 'LASTNAME', 'TITLE', 'DIVISION', 'EMAIL', 'MOBILE', 'DESKPHONE', 'SITE'] as const;
export type Column = (typeof CSV_COLUMNS)[number];
export type Row = Record<Column, string>;

/** The default fields.config.json mapping the expected CSV is computed with. */
export const DEFAULT_FIELDS: Record<Column, string | string[]> = {
  FIRSTNAME: 'givenName',
  LASTNAME: 'sn',
  TITLE: 'title',
  DIVISION: 'department',
  EMAIL: ['mail', 'userPrincipalName'],
  MOBILE: 'mobile',
  DESKPHONE: 'telephoneNumber',
  SITE: 'physicalDeliveryOfficeName',
};

// ---------------------------------------------------------------------------------------------
// The definition

export type Kind = 'user' | 'contact' | 'computer';

export interface Entry {
  kind: Kind;
  /** Parent container DN. */
  parent: string;
  /** The CN, unescaped. */
  cn: string;
  /** Attributes as stored in the directory (untrimmed), single-valued. */
  attrs: Record<string, string>;
  userAccountControl?: number;
  /** DNs of the groups this entry is a direct member of. */
  memberOf: string[];
  /** Why the entry is there, for people reading the generator. */
  note?: string;
}

export interface Group {
  parent: string;
  cn: string;
  attrs: Record<string, string>;
  /** DNs of groups nested directly inside this group. */
  groups: string[];
  note?: string;
}

/** Escape an RDN value (RFC 4514). */
export function escapeRdnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function entryDn(e: { cn: string; parent: string }): string {
  return `CN=${escapeRdnValue(e.cn)},${e.parent}`;
}

/** Small deterministic PRNG (mulberry32) so the generated people never change between runs. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN_NAMES = [
  'Aaron',
  'Abigail',
  'Adrian',
  'Aisha',
  'Alexander',
  'Alice',
  'Amir',
  'Ana',
  'Benjamin',
  'Beatrice',
  'Carlos',
  'Charlotte',
  'Chen',
  'Chloe',
  'Daniel',
  'Diana',
  'Elena',
  'Ethan',
  'Fatima',
  'Felix',
  'Gabriel',
  'Grace',
  'Hannah',
  'Hiroshi',
  'Isaac',
  'Isabelle',
  'Jacob',
  'Jean-Luc',
  'Julia',
  'Kevin',
  'Laura',
  'Liam',
  'Lucas',
  'Maya',
  'Mei',
  'Nathan',
  'Nina',
  'Olivia',
  'Omar',
  'Priya',
  'Rachel',
  'Rafael',
  'Samuel',
  'Sofia',
  'Thomas',
  'Valerie',
  'Victor',
  'William',
  'Yusuf',
  'Zoe',
];
const SURNAMES = [
  'Anderson',
  'Bouchard',
  'Brown',
  'Campbell',
  'Chen',
  'Clark',
  'Cote',
  'Davis',
  'Fortin',
  'Gagnon',
  'Garcia',
  'Gauthier',
  'Hall',
  'Harris',
  'Johnson',
  'Khan',
  'Lee',
  'Levesque',
  'Lopez',
  'Martin',
  'Mitchell',
  'Morin',
  'Nguyen',
  'Okafor',
  'Patel',
  'Pelletier',
  'Roy',
  'Scott',
  'Singh',
  'Smith',
  'Tanaka',
  'Taylor',
  'Thompson',
  'Tremblay',
  'Walker',
  'Wang',
  'White',
  'Williams',
  'Wilson',
  'Young',
];
const TITLES = [
  'Software Developer',
  'Senior Software Developer',
  'Product Manager',
  'Account Executive',
  'Accountant',
  'HR Generalist',
  'Office Manager',
  'Sales Representative',
  'Support Specialist',
  'Data Analyst',
  'Designer',
  'Engineering Manager',
  'Recruiter',
  'Legal Counsel',
  'Marketing Coordinator',
];
const DEPARTMENTS = ['Engineering', 'Product', 'Sales', 'Finance', 'Human Resources', 'Operations', 'Support', 'Marketing', 'Legal', 'Design'];
const ENABLED_UAC = [512, 544, 66048, 66080];
const DISABLED_UAC = [514, 546, 66050, 66082];

export const GENERATED_PER_SITE = 575;
export const GENERATED_IN_WAREHOUSE = 400;

function defineEntries(): { entries: Entry[]; groups: Group[] } {
  const random = mulberry32(20240611);
  // Every (given name, surname) pair once, shuffled: unique names and mail addresses for everyone.
  const pairs: Array<[string, string]> = [];
  for (const g of GIVEN_NAMES) for (const s of SURNAMES) pairs.push([g, s]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  let next = 0;
  const takePair = (): [string, string] => {
    const p = pairs[next++];
    if (!p) throw new Error('ran out of name pairs');
    return p;
  };

  const entries: Entry[] = [];
  const bySam = new Map<string, Entry>();
  const add = (e: Entry): Entry => {
    entries.push(e);
    const sam = e.attrs.sAMAccountName;
    if (sam) {
      if (bySam.has(sam)) throw new Error(`duplicate sAMAccountName ${sam}`);
      bySam.set(sam, e);
    }
    return e;
  };

  // --- 1,150 generated enabled people in OU=Toronto / OU=Montreal
  const sites = [
    { site: 'Toronto', parent: TORONTO_DN, prefix: 'tor', mobile: '416', desk: '647' },
    { site: 'Montreal', parent: MONTREAL_DN, prefix: 'mtl', mobile: '514', desk: '438' },
  ];
  for (const s of sites) {
    for (let n = 1; n <= GENERATED_PER_SITE; n++) {
      const [given, sn] = takePair();
      const i = next;
      const sam = `${s.prefix}${String(n).padStart(4, '0')}`;
      const local = `${given}.${sn}`;
      const mail = i % 23 === 0 ? `${local}@${DNS_DOMAIN}`.toUpperCase() : i % 9 === 0 ? `${local}@${DNS_DOMAIN}` : `${local}@${DNS_DOMAIN}`.toLowerCase();
      add({
        kind: 'user',
        parent: s.parent,
        cn: `${given} ${sn}`,
        userAccountControl: ENABLED_UAC[n % ENABLED_UAC.length]!,
        attrs: {
          sAMAccountName: sam,
          userPrincipalName: `${sam}@${DNS_DOMAIN}`,
          givenName: given,
          sn,
          displayName: `${given} ${sn}`,
          title: TITLES[(n * 7 + i) % TITLES.length]!,
          department: DEPARTMENTS[(n * 3 + i) % DEPARTMENTS.length]!,
          mail,
          mobile: `+1 ${s.mobile} 555 ${String(n).padStart(4, '0')}`,
          telephoneNumber: `+1 ${s.desk} 555 ${String(5000 + n).padStart(4, '0')}`,
          physicalDeliveryOfficeName: s.site,
        },
        memberOf: [],
      });
    }
  }

  const person = (
    parent: string,
    cn: string,
    sam: string,
    attrs: Record<string, string>,
    note: string,
    userAccountControl = 512,
    memberOf: string[] = [],
  ): Entry =>
    add({
      kind: 'user',
      parent,
      cn,
      userAccountControl,
      note,
      memberOf,
      attrs: { sAMAccountName: sam, displayName: cn, ...attrs },
    });
  const upn = (sam: string) => `${sam}@${DNS_DOMAIN}`;

  // --- special people, enabled, in OU=Staff itself (the search is subtree)
  person(
    STAFF_DN,
    'Émilie Côté',
    'ecote',
    {
      givenName: 'Émilie',
      sn: 'Côté',
      title: 'Directrice, Ressources humaines',
      department: 'Ressources humaines',
      mail: 'Emilie.Cote@corp.example.com',
      userPrincipalName: upn('ecote'),
      mobile: '+1 514 555 0101',
      telephoneNumber: '+1 514 555 0102',
      physicalDeliveryOfficeName: 'Montreal',
    },
    'accented Latin in the DN and values; comma in title; mail with capitals',
  );
  person(
    STAFF_DN,
    '山田 太郎',
    'tyamada',
    {
      givenName: '太郎',
      sn: '山田',
      title: 'シニアエンジニア',
      department: '研究開発',
      mail: 'taro.yamada@corp.example.com',
      userPrincipalName: upn('tyamada'),
      mobile: '+81 90 5555 0101',
      telephoneNumber: '+1 416 555 0103',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'Japanese',
    512,
    [FRONT_DESK_DN],
  );
  person(
    STAFF_DN,
    'Γιώργος Παπαδόπουλος',
    'gpapadopoulos',
    {
      givenName: 'Γιώργος',
      sn: 'Παπαδόπουλος',
      title: 'Λογιστής',
      department: 'Οικονομικά',
      mail: 'georgios.papadopoulos@corp.example.com',
      userPrincipalName: upn('gpapadopoulos'),
      mobile: '+30 690 555 0104',
      telephoneNumber: '+1 416 555 0105',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'Greek',
  );
  person(
    STAFF_DN,
    'Иван Петров',
    'ipetrov',
    {
      givenName: 'Иван',
      sn: 'Петров',
      title: 'Инженер',
      department: 'ИТ',
      mail: 'Ivan.Petrov@corp.example.com',
      userPrincipalName: upn('ipetrov'),
      mobile: '+7 916 555 0106',
      telephoneNumber: '+1 514 555 0107',
      physicalDeliveryOfficeName: 'Montreal',
    },
    'Cyrillic',
    66048,
  );
  person(
    STAFF_DN,
    'محمد العلي',
    'malali',
    {
      givenName: 'محمد',
      sn: 'العلي',
      title: 'محاسب',
      department: 'المالية',
      mail: 'mohammed.alali@corp.example.com',
      userPrincipalName: upn('malali'),
      mobile: '+971 50 555 0108',
      telephoneNumber: '+1 416 555 0109',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'Arabic (right-to-left)',
  );
  person(
    STAFF_DN,
    'Robert "Bob" Tables',
    'btables',
    {
      givenName: 'Robert "Bob"',
      sn: 'Tables',
      title: 'Head of "Special" Projects',
      department: 'Engineering',
      mail: 'bob.tables@corp.example.com',
      userPrincipalName: upn('btables'),
      mobile: '+1 416 555 0110',
      telephoneNumber: '+1 416 555 0111',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'double quotes in values and in the DN',
  );
  person(
    STAFF_DN,
    "O'Brien, Siobhan",
    'sobrien',
    {
      givenName: 'Siobhan',
      sn: "O'Brien",
      title: 'VP, Sales, Americas',
      department: 'Sales, Marketing & Partnerships',
      mail: 'Siobhan.OBrien@corp.example.com',
      userPrincipalName: upn('sobrien'),
      mobile: '+1 416 555 0112',
      telephoneNumber: '+1 416 555 0113',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'AD "Last, First" CN (escaped comma in the DN); commas in values',
    544,
    [VISITOR_HOSTS_DN],
  );
  person(
    STAFF_DN,
    'Multi Line',
    'mline',
    {
      givenName: 'Multi',
      sn: 'Line',
      title: 'Manager\nFacilities',
      department: 'Operations\r\nWest',
      mail: 'multi.line@corp.example.com',
      userPrincipalName: upn('mline'),
      mobile: '+1 514 555 0114',
      telephoneNumber: '+1 514 555 0115',
      physicalDeliveryOfficeName: 'Montreal',
    },
    'LF inside title, CRLF inside department',
  );
  person(
    STAFF_DN,
    'Padded Spaces',
    'pspaces',
    {
      givenName: '  Padded  ',
      sn: ' Spaces ',
      title: ' Analyst ',
      department: '\tFinance ',
      mail: '  Padded.Spaces@Corp.Example.com  ',
      userPrincipalName: upn('pspaces'),
      mobile: ' +1 416 555 0116 ',
      telephoneNumber: '+1 416 555 0117 ',
      physicalDeliveryOfficeName: ' Toronto ',
    },
    'leading/trailing whitespace everywhere (roster trims)',
  );
  person(
    STAFF_DN,
    'Sparse Fields',
    'sfields',
    {
      givenName: 'Sparse',
      sn: 'Fields',
      title: '   ',
      mail: 'sparse.fields@corp.example.com',
      userPrincipalName: upn('sfields'),
    },
    'whitespace-only title; no department, mobile, telephoneNumber, office (empty CSV fields)',
    66080,
  );
  person(
    STAFF_DN,
    'Formula Values',
    'fvalues',
    {
      givenName: '=Formula',
      sn: '@Values',
      title: '=1+2',
      department: '+Sales',
      mail: 'formula.values@corp.example.com',
      userPrincipalName: upn('fvalues'),
      mobile: '+1 416 555 0118',
      telephoneNumber: '-555 0119',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'values that look like spreadsheet formulas: written verbatim (no formula escaping)',
  );
  person(
    STAFF_DN,
    'Party Person',
    'pperson',
    {
      givenName: 'Party',
      sn: 'Person',
      title: 'Chief 🎉 Officer',
      department: 'QA; Tools \\ Automation',
      mail: 'party.person@corp.example.com',
      userPrincipalName: upn('pperson'),
      mobile: '+1 416 555 0120',
      telephoneNumber: '+1 416 555 0121',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'emoji outside the BMP (4-byte UTF-8), semicolon and backslash',
  );

  // people without mail
  person(
    STAFF_DN,
    'Noah Nomail',
    'nnomail',
    {
      givenName: 'Noah',
      sn: 'Nomail',
      title: 'Receptionist',
      department: 'Operations',
      userPrincipalName: 'Noah.Nomail@corp.example.com',
      mobile: '+1 416 555 0122',
      telephoneNumber: '+1 416 555 0123',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'no mail: EMAIL comes from userPrincipalName (lower-cased)',
    512,
    [VISITOR_HOSTS_DN],
  );
  person(
    TORONTO_DN,
    'Uma Upnonly',
    'uupnonly',
    {
      givenName: 'Uma',
      sn: 'Upnonly',
      title: 'Intern',
      department: 'Engineering',
      userPrincipalName: upn('uupnonly'),
      physicalDeliveryOfficeName: 'Toronto',
    },
    'no mail: EMAIL comes from userPrincipalName',
    544,
  );
  person(
    MONTREAL_DN,
    'Ulysse Sanscourriel',
    'usanscourriel',
    {
      givenName: 'Ulysse',
      sn: 'Sanscourriel',
      title: 'Stagiaire',
      department: 'Ventes',
      userPrincipalName: upn('usanscourriel'),
      mobile: '+1 514 555 0124',
      physicalDeliveryOfficeName: 'Montreal',
    },
    'no mail: EMAIL comes from userPrincipalName',
    66048,
  );
  person(
    STAFF_DN,
    'Nobody Noemail',
    'nnoemail',
    {
      givenName: 'Nobody',
      sn: 'Noemail',
      title: 'Warehouse',
      department: 'Operations',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'neither mail nor userPrincipalName: skipped "no email"',
    512,
    [FRONT_DESK_DN],
  );
  person(
    MONTREAL_DN,
    'Nadia Sansadresse',
    'nsansadresse',
    {
      givenName: 'Nadia',
      sn: 'Sansadresse',
      title: 'Entrepôt',
      department: 'Opérations',
      physicalDeliveryOfficeName: 'Montreal',
    },
    'neither mail nor userPrincipalName: skipped "no email"',
    66080,
  );
  person(
    STAFF_DN,
    'Ivy Invalid',
    'iinvalid',
    {
      givenName: 'Ivy',
      sn: 'Invalid',
      title: 'Analyst',
      department: 'Finance',
      mail: 'not-an-email',
      physicalDeliveryOfficeName: 'Toronto',
    },
    'mail is not an address (and no UPN to fall back to): skipped "invalid email"',
  );

  // the same address twice, in different case: one row (all other fields identical)
  const dup = {
    givenName: 'Dup',
    sn: 'Person',
    title: 'Analyst',
    department: 'Finance',
    mobile: '+1 416 555 0125',
    telephoneNumber: '+1 416 555 0126',
    physicalDeliveryOfficeName: 'Toronto',
  };
  person(
    TORONTO_DN,
    'Dup Person',
    'dperson',
    {
      ...dup,
      mail: 'Dup.Person@corp.example.com',
      userPrincipalName: upn('dperson'),
    },
    'duplicate address (1 of 2)',
  );
  person(
    MONTREAL_DN,
    'Dup Person',
    'dperson2',
    {
      ...dup,
      mail: 'dup.person@CORP.example.com',
      userPrincipalName: upn('dperson2'),
    },
    'duplicate address (2 of 2), differs only in case',
    544,
  );

  // --- disabled people with mail in OU=Staff (never exported)
  const disabledParents = [TORONTO_DN, MONTREAL_DN, STAFF_DN, TORONTO_DN, MONTREAL_DN, STAFF_DN, TORONTO_DN, MONTREAL_DN];
  const disabled: Entry[] = disabledParents.map((parent, k) => {
    const [given, sn] = takePair();
    return person(
      parent,
      `${given} ${sn}`,
      `gone${k + 1}`,
      {
        givenName: given,
        sn,
        title: 'Former Employee',
        department: 'Sales',
        mail: `${given}.${sn}@${DNS_DOMAIN}`.toLowerCase(),
        userPrincipalName: upn(`gone${k + 1}`),
        physicalDeliveryOfficeName: parent === MONTREAL_DN ? 'Montreal' : 'Toronto',
      },
      'disabled (ACCOUNTDISABLE bit set)',
      DISABLED_UAC[k % DISABLED_UAC.length],
    );
  });

  // --- contacts and computers with mail in OU=Staff (never exported)
  for (let k = 1; k <= 4; k++) {
    const [given, sn] = takePair();
    add({
      kind: 'contact',
      parent: k % 2 ? STAFF_DN : TORONTO_DN,
      cn: `${given} ${sn} (external)`,
      memberOf: k === 1 ? [VISITOR_HOSTS_DN] : [],
      note: 'contact: objectCategory=person but not objectClass=user',
      attrs: {
        givenName: given,
        sn,
        displayName: `${given} ${sn}`,
        title: 'Supplier',
        department: 'Vendors',
        mail: `${given}.${sn}@supplier.example.org`.toLowerCase(),
        telephoneNumber: `+1 416 555 07${10 + k}`,
        physicalDeliveryOfficeName: 'Toronto',
      },
    });
  }
  for (let k = 1; k <= 3; k++) {
    add({
      kind: 'computer',
      parent: k === 3 ? TORONTO_DN : STAFF_DN,
      cn: `WS-${String(k).padStart(3, '0')}`,
      memberOf: [],
      note: 'computer (enabled, 4096): objectClass=user but objectCategory=computer',
      userAccountControl: 4096,
      attrs: {
        sAMAccountName: `WS-${String(k).padStart(3, '0')}$`,
        dNSHostName: `ws-${String(k).padStart(3, '0')}.${DNS_DOMAIN}`,
        mail: `ws-${String(k).padStart(3, '0')}@${DNS_DOMAIN}`,
        physicalDeliveryOfficeName: 'Toronto',
      },
    });
  }

  // --- OU=Partners: a second search base
  const partners: Entry[] = [];
  for (let k = 1; k <= 21; k++) {
    const [given, sn] = takePair();
    const sam = `ptn${String(k).padStart(3, '0')}`;
    partners.push(
      person(
        PARTNERS_DN,
        `${given} ${sn}`,
        sam,
        {
          givenName: given,
          sn,
          title: 'Partner Consultant',
          department: 'Partners',
          mail: `${given}.${sn}@partner.example.net`.toLowerCase(),
          userPrincipalName: upn(sam),
          mobile: `+1 416 555 08${String(k).padStart(2, '0')}`,
          physicalDeliveryOfficeName: k % 3 ? 'Toronto' : 'Montreal',
        },
        k === 21 ? 'disabled partner' : 'partner',
        k === 21 ? 514 : ENABLED_UAC[k % ENABLED_UAC.length]!,
        k === 1 ? [VISITOR_HOSTS_DN] : [],
      ),
    );
  }

  // --- OU=Contractors: enabled, with mail, outside the default search base
  for (let k = 1; k <= 10; k++) {
    const [given, sn] = takePair();
    const sam = `ctr${String(k).padStart(3, '0')}`;
    person(
      CONTRACTORS_DN,
      `${given} ${sn}`,
      sam,
      {
        givenName: given,
        sn,
        title: 'Contractor',
        department: 'Engineering',
        mail: `${given}.${sn}@${DNS_DOMAIN}`.toLowerCase(),
        userPrincipalName: upn(sam),
        physicalDeliveryOfficeName: 'Toronto',
      },
      'contractor: outside OU=Staff',
      512,
      k === 1 ? [VISITOR_HOSTS_DN] : [],
    );
  }

  // --- group memberships of generated staff
  const tor = (n: number) => bySam.get(`tor${String(n).padStart(4, '0')}`)!;
  const mtl = (n: number) => bySam.get(`mtl${String(n).padStart(4, '0')}`)!;
  for (let n = 1; n <= 10; n++) tor(n * 7).memberOf.push(VISITOR_HOSTS_DN);
  for (let n = 1; n <= 3; n++) mtl(n * 11).memberOf.push(RECEPTION_DN);
  for (let n = 1; n <= 5; n++) (n % 2 ? tor(n * 13 + 100) : mtl(n * 13 + 100)).memberOf.push(FRONT_DESK_DN);
  disabled[0]!.memberOf.push(VISITOR_HOSTS_DN);
  disabled[1]!.memberOf.push(FRONT_DESK_DN);
  // generated people also belong to an unrelated group, so "member of some group" is not enough
  for (let n = 200; n < 230; n++) tor(n).memberOf.push(`CN=Toronto Social Club,${GROUPS_DN}`);

  // --- OU=Warehouse and OU=Officevibe Groups (for `roster officevibe export`). Added after
  // everyone else, so the people above keep their generated names.
  for (let n = 1; n <= GENERATED_IN_WAREHOUSE + 2; n++) {
    const [given, sn] = takePair();
    const gone = n > GENERATED_IN_WAREHOUSE;
    const sam = gone ? `whgone${n - GENERATED_IN_WAREHOUSE}` : `wh${String(n).padStart(4, '0')}`;
    person(
      WAREHOUSE_DN,
      `${given} ${sn}`,
      sam,
      {
        givenName: given,
        sn,
        title: n % 10 === 0 ? 'Shift Supervisor' : 'Warehouse Associate',
        department: 'Logistics',
        mail: `${given}.${sn}@${DNS_DOMAIN}`.toLowerCase(),
        userPrincipalName: upn(sam),
        physicalDeliveryOfficeName: 'Laval',
      },
      gone ? 'disabled warehouse person (member of All Employees, never exported)' : 'warehouse',
      gone ? DISABLED_UAC[n % DISABLED_UAC.length]! : ENABLED_UAC[n % ENABLED_UAC.length]!,
    );
  }
  const wh = (n: number) => bySam.get(`wh${String(n).padStart(4, '0')}`)!;
  for (const e of entries) {
    if (e.kind === 'user' && (isUnder(entryDn(e), STAFF_DN) || isUnder(entryDn(e), WAREHOUSE_DN))) e.memberOf.push(ALL_EMPLOYEES_DN);
  }
  entries.find((e) => e.kind === 'contact')!.memberOf.push(ALL_EMPLOYEES_DN);
  for (let n = 1; n <= 5; n++) wh(n).memberOf.push(WAREHOUSE_LEADS_DN);
  for (const n of [10, 20, 30]) wh(n).memberOf.push(NIGHT_SHIFT_DN);

  const groups: Group[] = [
    { parent: GROUPS_DN, cn: 'Front Desk', attrs: { sAMAccountName: 'Front Desk', description: 'Nested two levels below Visitor Hosts' }, groups: [] },
    { parent: GROUPS_DN, cn: 'Reception', attrs: { sAMAccountName: 'Reception', description: 'Nested in Visitor Hosts' }, groups: [FRONT_DESK_DN] },
    { parent: GROUPS_DN, cn: 'Visitor Hosts', attrs: { sAMAccountName: 'Visitor Hosts', description: 'People who may host visitors' }, groups: [RECEPTION_DN] },
    { parent: GROUPS_DN, cn: 'Toronto Social Club', attrs: { sAMAccountName: 'Toronto Social Club' }, groups: [] },
    {
      parent: STAFF_DN,
      cn: 'Staff Announcements',
      groups: [],
      attrs: { sAMAccountName: 'Staff Announcements', mail: 'announcements@corp.example.com' },
      note: 'mail-enabled group inside OU=Staff (never exported)',
    },
    {
      parent: OFFICEVIBE_GROUPS_DN,
      cn: 'Warehouse Leads',
      groups: [],
      attrs: { sAMAccountName: 'Warehouse Leads', managedBy: entryDn(tor(1)) },
      note: 'nested in All Employees; its manager is not one of its members',
    },
    { parent: OFFICEVIBE_GROUPS_DN, cn: 'Night Shift', groups: [], attrs: { sAMAccountName: 'Night Shift' }, note: 'nested in All Employees; no manager' },
    {
      parent: OFFICEVIBE_GROUPS_DN,
      cn: 'All Employees',
      groups: [WAREHOUSE_LEADS_DN, NIGHT_SHIFT_DN],
      attrs: { sAMAccountName: 'All Employees', managedBy: entryDn(bySam.get('ecote')!) },
      note: 'over 1,500 members: AD returns member in ranges (member;range=0-1499)',
    },
  ];
  return { entries, groups };
}

export const { entries: ENTRIES, groups: GROUPS } = defineEntries();

// ---------------------------------------------------------------------------------------------
// What roster should make of it

const UAC_ACCOUNTDISABLE = 0x2;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isUnder(dn: string, base: string): boolean {
  return dn.toLowerCase() === base.toLowerCase() || dn.toLowerCase().endsWith(`,${base.toLowerCase()}`);
}

/** Groups an entry belongs to, directly or through nesting. */
function transitiveGroups(direct: string[]): Set<string> {
  const parentsOf = new Map<string, string[]>();
  for (const g of GROUPS) for (const child of g.groups) parentsOf.set(child, [...(parentsOf.get(child) ?? []), entryDn(g)]);
  const seen = new Set<string>();
  const todo = [...direct];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(parentsOf.get(g) ?? []));
  }
  return seen;
}

/** True when the entry matches DEFAULT_FILTER: a person, a user, not disabled. */
export function matchesDefaultFilter(e: Entry): boolean {
  return e.kind === 'user' && ((e.userAccountControl ?? 0) & UAC_ACCOUNTDISABLE) === 0;
}

export interface Extract {
  /** Entries the directory search returns (before any email rule). */
  matched: Entry[];
  rows: Row[];
  skippedNoEmail: number;
  skippedInvalidEmail: number;
  /** Rows dropped because an earlier account had the same EMAIL. */
  duplicates: number;
}

/**
 * The rows roster should produce with the default filter and mapping, for the given search bases
 * (default OU=Staff) and, optionally, only members (nested included) of any of `memberOf`.
 */
export function expectedExtract(opts: { bases?: string[]; memberOf?: string[] } = {}): Extract {
  const bases = opts.bases ?? [STAFF_DN];
  const matched = ENTRIES.filter((e) => bases.some((b) => isUnder(entryDn(e), b)) && matchesDefaultFilter(e)).filter(
    (e) => !opts.memberOf || opts.memberOf.some((g) => transitiveGroups(e.memberOf).has(g)),
  );
  const out: Extract = { matched, rows: [], skippedNoEmail: 0, skippedInvalidEmail: 0, duplicates: 0 };
  const byEmail = new Map<string, Row>();
  for (const e of matched) {
    const value = (attr: string) => (e.attrs[attr] ?? '').trim();
    const row = {} as Row;
    for (const column of CSV_COLUMNS) {
      const spec = DEFAULT_FIELDS[column];
      const attrs = Array.isArray(spec) ? spec : [spec];
      row[column] = attrs.map(value).find((v) => v !== '') ?? '';
    }
    row.EMAIL = row.EMAIL.toLowerCase();
    if (row.EMAIL === '') {
      out.skippedNoEmail++;
      continue;
    }
    if (!EMAIL_SHAPE.test(row.EMAIL)) {
      out.skippedInvalidEmail++;
      continue;
    }
    const earlier = byEmail.get(row.EMAIL);
    if (earlier) {
      if (CSV_COLUMNS.some((c) => earlier[c] !== row[c])) {
        throw new Error(`fixture bug: accounts sharing ${row.EMAIL} differ in other fields, the expected CSV would depend on order`);
      }
      out.duplicates++;
      continue;
    }
    byEmail.set(row.EMAIL, row);
  }
  out.rows = [...byEmail.values()].sort((a, b) => (a.EMAIL < b.EMAIL ? -1 : a.EMAIL > b.EMAIL ? 1 : 0));
  return out;
}

/** RFC 4180: quote only fields holding a comma, double quote, CR or LF; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV text for `rows`: header first, LF after every record (the last included), no BOM. */
export function toCsv(rows: Row[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].map((line) => `${line}\n`).join('');
}

const staff = expectedExtract();
/** Entries the default search of OU=Staff returns (enabled people, including those later skipped). */
export const enabledInStaff = staff.matched.length;
/** Data rows in fixtures/ad-expected.csv (header excluded). */
export const rowsExpected = staff.rows.length;
export const skippedNoEmail = staff.skippedNoEmail;
export const skippedInvalidEmail = staff.skippedInvalidEmail;
export const duplicates = staff.duplicates;
/** Contacts, computers and disabled accounts with mail under OU=Staff: things that must NOT show up. */
export const disabledInStaff = ENTRIES.filter((e) => e.kind === 'user' && isUnder(entryDn(e), STAFF_DN) && !matchesDefaultFilter(e)).length;
export const contactsInStaff = ENTRIES.filter((e) => e.kind === 'contact' && isUnder(entryDn(e), STAFF_DN)).length;
export const computersInStaff = ENTRIES.filter((e) => e.kind === 'computer' && isUnder(entryDn(e), STAFF_DN)).length;

const visitorHosts = expectedExtract({ memberOf: [VISITOR_HOSTS_DN] });
/** EMAILs of the rows for OU=Staff restricted to Visitor Hosts (nested groups included), sorted. */
export const visitorHostEmails: string[] = visitorHosts.rows.map((r) => r.EMAIL);
/** sAMAccountNames the nested-memberOf search of OU=Staff returns (includes one member without email). */
export const visitorHostSamAccountNames: string[] = visitorHosts.matched.map((e) => e.attrs.sAMAccountName!).sort();
/** EMAILs of the rows for search base OU=Partners (enabled partners), sorted. */
export const partnerEmails: string[] = expectedExtract({ bases: [PARTNERS_DN] }).rows.map((r) => r.EMAIL);
/** EMAILs of enabled people in OU=Contractors (outside the default base), sorted. */
export const contractorEmails: string[] = expectedExtract({ bases: [CONTRACTORS_DN] }).rows.map((r) => r.EMAIL);

// ---------------------------------------------------------------------------------------------
// LDIF

/** RFC 2849: a value needs base64 unless it is SAFE-STRING and does not end with a space. */
function ldifAttr(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex -- RFC 2849's SAFE-STRING is defined by control-character ranges
  const safe = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function toLdif(): string {
  const blocks: string[] = [];
  const block = (lines: string[]) => blocks.push(`${lines.join('\n')}\n`);
  // No "version: 1" line: Samba's ldb LDIF reader refuses it (ldapadd does not need it).
  const header = [
    '# Generated by test/harness/ad-fixture.ts; do not edit. Change the generator and re-run it:',
    '#   npx tsc -p . && node dist/test/harness/ad-fixture.js',
    `# Loaded into a Samba AD DC (${BASE_DN}) by test/harness/samba.ts.`,
  ];
  for (const ou of [STAFF_DN, TORONTO_DN, MONTREAL_DN, PARTNERS_DN, CONTRACTORS_DN, GROUPS_DN, EMPTY_DN, WAREHOUSE_DN, OFFICEVIBE_GROUPS_DN]) {
    block([...header.splice(0), ldifAttr('dn', ou), 'objectClass: organizationalUnit']);
  }
  block([
    ldifAttr('dn', SERVICE_ACCOUNT.dn),
    'objectClass: user',
    `sAMAccountName: ${SERVICE_ACCOUNT.sAMAccountName}`,
    `userPrincipalName: ${SERVICE_ACCOUNT.userPrincipalName}`,
    'description: roster service account (password set by the test harness)',
    'userAccountControl: 66048',
  ]);
  for (const e of ENTRIES) {
    const lines = [ldifAttr('dn', entryDn(e))];
    if (e.note) lines.splice(0, 0, `# ${e.note}`);
    lines.push(`objectClass: ${e.kind}`);
    for (const [k, v] of Object.entries(e.attrs)) lines.push(ldifAttr(k, v));
    if (e.userAccountControl !== undefined) lines.push(`userAccountControl: ${e.userAccountControl}`);
    block(lines);
  }
  // Groups last: every member must exist. Nested groups come before the groups holding them.
  for (const g of GROUPS) {
    const dn = entryDn(g);
    const lines = [ldifAttr('dn', dn), 'objectClass: group'];
    if (g.note) lines.splice(0, 0, `# ${g.note}`);
    for (const [k, v] of Object.entries(g.attrs)) lines.push(ldifAttr(k, v));
    for (const child of g.groups) lines.push(ldifAttr('member', child));
    for (const e of ENTRIES) if (e.memberOf.includes(dn)) lines.push(ldifAttr('member', entryDn(e)));
    block(lines);
  }
  return blocks.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const LDIF_PATH = join(repoRoot(), 'fixtures', 'ad-people.ldif');
export const EXPECTED_CSV_PATH = join(repoRoot(), 'fixtures', 'ad-expected.csv');

function main(): void {
  mkdirSync(dirname(LDIF_PATH), { recursive: true });
  writeFileSync(LDIF_PATH, toLdif());
  writeFileSync(EXPECTED_CSV_PATH, toCsv(staff.rows));
  console.log(`wrote ${LDIF_PATH} (${ENTRIES.length + GROUPS.length + 10} entries)`);
  console.log(`wrote ${EXPECTED_CSV_PATH} (${rowsExpected} rows)`);
  console.log(
    JSON.stringify({
      enabledInStaff,
      rowsExpected,
      skippedNoEmail,
      skippedInvalidEmail,
      duplicates,
      disabledInStaff,
      contactsInStaff,
      computersInStaff,
      visitorHosts: visitorHostSamAccountNames.length,
      visitorHostRows: visitorHostEmails.length,
      partners: partnerEmails.length,
      contractors: contractorEmails.length,
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
