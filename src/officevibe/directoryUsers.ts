// users.csv from directory records: one user per id and per email, with roster's email rules
// (trimmed, lower-cased, must look like an address). Every record left out is counted by reason.
// Pure; the search itself is the same as roster's directory export.
import { inline, quoted } from '../platform/log/printable.js';
import { firstValue, type DirectoryRecord } from '../mapping/record.js';
import { isValidEmail, normalizeEmail } from '../mapping/email.js';
import { pickAttribute, type ValuePick } from '../mapping/pick.js';
import { USER_COLUMNS, type OfficevibeExportConfig, type UserColumn } from './config.js';

export interface DirectoryUser {
  dn: string;
  values: Record<UserColumn, string>;
}

export type UserSkipReason = 'noId' | 'noEmail' | 'invalidEmail' | 'duplicateId' | 'duplicateEmail';

export interface UserSummary {
  entriesFound: number;
  usersWritten: number;
  skipped: Record<UserSkipReason, number>;
  examples: Record<UserSkipReason, string[]>;
}

const EXAMPLES_PER_REASON = 5;

/** The attributes the people search reads, each with the export.users key that names it. */
export function userAttributeUses(settings: Pick<OfficevibeExportConfig, 'users' | 'picks'>): Array<{ where: string; attribute: string }> {
  return USER_COLUMNS.flatMap((column) =>
    [...settings.users[column], ...(pickAttribute(settings.picks[column]) ?? [])].map((attribute) => ({ where: `export.users.${column}`, attribute })),
  );
}

export class OfficevibeUserCollector {
  private readonly candidates: DirectoryUser[] = [];
  private entriesFound = 0;
  private readonly skipped: Record<UserSkipReason, number> = { noId: 0, noEmail: 0, invalidEmail: 0, duplicateId: 0, duplicateEmail: 0 };
  private readonly examples: Record<UserSkipReason, string[]> = { noId: [], noEmail: [], invalidEmail: [], duplicateId: [], duplicateEmail: [] };

  constructor(
    private readonly attributes: Readonly<Record<UserColumn, readonly string[]>>,
    private readonly picks: Partial<Record<UserColumn, ValuePick>> = {},
  ) {}

  add(record: DirectoryRecord): void {
    this.entriesFound += 1;
    const values = Object.fromEntries(USER_COLUMNS.map((column) => [column, firstValue(record, this.attributes[column], this.picks[column])])) as Record<
      UserColumn,
      string
    >;
    values.email = normalizeEmail(values.email);
    if (values.id === '') return this.skip('noId', record.dn);
    if (values.email === '') return this.skip('noEmail', record.dn);
    if (!isValidEmail(values.email)) return this.skip('invalidEmail', `${record.dn} (${quoted(values.email)})`);
    this.candidates.push({ dn: record.dn, values });
  }

  /**
   * The users, sorted by email. Of two accounts with the same id or email the one whose DN sorts
   * first is kept, so the result does not depend on the order the server answered in.
   */
  finish(): { users: DirectoryUser[]; summary: UserSummary } {
    const byDn = [...this.candidates].sort((a, b) => compare(a.dn.toLowerCase(), b.dn.toLowerCase()));
    const ids = new Map<string, string>();
    const emails = new Map<string, string>();
    const users: DirectoryUser[] = [];
    for (const user of byDn) {
      const sameId = ids.get(user.values.id);
      const sameEmail = emails.get(user.values.email);
      if (sameId !== undefined) this.skip('duplicateId', `${user.dn} (same id "${user.values.id}" as ${sameId})`);
      else if (sameEmail !== undefined) this.skip('duplicateEmail', `${user.dn} (same email as ${sameEmail})`);
      else {
        ids.set(user.values.id, user.dn);
        emails.set(user.values.email, user.dn);
        users.push(user);
      }
    }
    users.sort((a, b) => compare(a.values.email, b.values.email));
    return {
      users,
      summary: { entriesFound: this.entriesFound, usersWritten: users.length, skipped: { ...this.skipped }, examples: structuredClone(this.examples) },
    };
  }

  private skip(reason: UserSkipReason, example: string): void {
    this.skipped[reason] += 1;
    if (this.examples[reason].length < EXAMPLES_PER_REASON) this.examples[reason].push(inline(example)); // shown in the log
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
