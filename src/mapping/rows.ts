// Collects mapped rows from directory records: applies the email rules, keeps one row per
// email and counts every skipped record by reason. Pure; the CSV writer gets `finish()`'s rows.
import { COLUMNS, type FieldMapping } from './fields.js';
import { mapRecord, type Row } from './mapRecord.js';
import type { DirectoryRecord } from './record.js';

export type SkipReason = 'noEmail' | 'invalidEmail' | 'duplicateEmail' | 'notAllowed';

/** Rows that were kept but changed in a way worth a warning. */
export type WarningReason = 'phoneNotNormalized' | 'truncated';

export interface RowSummary {
  entriesFound: number;
  rowsWritten: number;
  skipped: Record<SkipReason, number>;
  /** A few examples per reason (DN and value), for the log. */
  examples: Record<SkipReason, string[]>;
  warnings: Record<WarningReason, number>;
  warningExamples: Record<WarningReason, string[]>;
}

const EXAMPLES_PER_REASON = 5;
/** A column's value pool is given up when, at this many distinct values, fewer rows reused one than added one. */
const POOL_TRIAL = 2000;

// Deliberately plain: a local part and a dotted domain, no spaces, exactly one @.
// iLobby matches people by EMAIL, so a value that cannot be an address is never sent.
const EMAIL_SYNTAX = /^[^\s@",;<>()[\]\\]+@[^\s@",;<>()[\]\\.]+(\.[^\s@",;<>()[\]\\.]+)+$/;

export function isValidEmail(email: string): boolean {
  return EMAIL_SYNTAX.test(email);
}

export class RowCollector {
  // One row per email: its position in `rows`, and the DN it came from in `dns` (side by side
  // rather than an object per row: at 100,000 rows every object counts).
  private readonly indexByEmail = new Map<string, number>();
  private readonly rows: Row[] = [];
  private readonly dns: string[] = [];
  private entriesFound = 0;
  private readonly skipped: Record<SkipReason, number> = { noEmail: 0, invalidEmail: 0, duplicateEmail: 0, notAllowed: 0 };
  private readonly examples: Record<SkipReason, string[]> = { noEmail: [], invalidEmail: [], duplicateEmail: [], notAllowed: [] };
  private readonly warnings: Record<WarningReason, number> = { phoneNotNormalized: 0, truncated: 0 };
  private readonly warningExamples: Record<WarningReason, string[]> = { phoneNotNormalized: [], truncated: [] };

  private readonly pools = COLUMNS.filter((column) => column !== 'EMAIL')
    .map((column) => ({ column, values: new Map<string, string>(), hits: 0, off: false }));

  constructor(private readonly mapping: FieldMapping) {}

  add(record: DirectoryRecord): void {
    this.entriesFound += 1;
    const result = mapRecord(record, this.mapping);
    if (result.kind === 'notAllowed') {
      this.skip('notAllowed', `${record.dn} (${result.column} "${result.value}")`);
      return;
    }
    const row = result.row;
    if (result.notes?.phoneNotNormalized) this.warn('phoneNotNormalized', `${record.dn} (${result.notes.phoneNotNormalized.map((c) => `${c} "${row[c]}"`).join(', ')})`);
    if (result.notes?.truncated) this.warn('truncated', `${record.dn} (${result.notes.truncated.join(', ')})`);
    row.EMAIL = row.EMAIL.toLowerCase();
    if (row.EMAIL === '') return this.skip('noEmail', record.dn);
    if (!isValidEmail(row.EMAIL)) return this.skip('invalidEmail', `${record.dn} ("${row.EMAIL}")`);
    this.shareRepeatedValues(row);
    const index = this.indexByEmail.get(row.EMAIL);
    if (index === undefined) {
      this.indexByEmail.set(row.EMAIL, this.rows.length);
      this.rows.push(row);
      this.dns.push(record.dn);
      return;
    }
    // Keep the account whose DN sorts first, so the result does not depend on the order the
    // server returned entries in and two runs over the same directory agree.
    const existingDn = this.dns[index]!;
    const keepNew = record.dn.toLowerCase() < existingDn.toLowerCase();
    this.skip('duplicateEmail', `${keepNew ? existingDn : record.dn} (same EMAIL as ${keepNew ? record.dn : existingDn})`);
    if (keepNew) {
      this.rows[index] = row;
      this.dns[index] = record.dn;
    }
  }

  /** The rows sorted by EMAIL (so two runs can be compared line by line) and the summary. */
  finish(): { rows: Row[]; summary: RowSummary } {
    const rows = [...this.rows].sort((a, b) => compare(a.EMAIL, b.EMAIL));
    return {
      rows,
      summary: {
        entriesFound: this.entriesFound, rowsWritten: rows.length, skipped: { ...this.skipped }, examples: structuredClone(this.examples),
        warnings: { ...this.warnings }, warningExamples: structuredClone(this.warningExamples),
      },
    };
  }

  private warn(reason: WarningReason, example: string): void {
    this.warnings[reason] += 1;
    if (this.warningExamples[reason].length < EXAMPLES_PER_REASON) this.warningExamples[reason].push(example);
  }

  /**
   * Departments, titles, sites and first names repeat across thousands of rows; keeping one copy
   * of each value cuts the memory a large directory needs by about a third. A column whose values
   * turn out to be mostly unique (email, phone numbers) is no longer looked up after a while.
   */
  private shareRepeatedValues(row: Row): void {
    for (const pool of this.pools) {
      if (pool.off) continue;
      const value = row[pool.column];
      const known = pool.values.get(value);
      if (known !== undefined) {
        row[pool.column] = known;
        pool.hits += 1;
      } else {
        pool.values.set(value, value);
        if (pool.values.size >= POOL_TRIAL && pool.hits < pool.values.size) {
          pool.off = true;
          pool.values.clear();
        }
      }
    }
  }

  private skip(reason: SkipReason, example: string): void {
    this.skipped[reason] += 1;
    if (this.examples[reason].length < EXAMPLES_PER_REASON) this.examples[reason].push(example);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
