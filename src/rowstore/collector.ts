// Collects mapped rows from directory records: applies the email rules, keeps one row per
// email and counts every skipped record by reason. Pure; the CSV writer gets `finish()`'s rows,
// kept compactly in a RowStore.
import { COLUMNS, type Column, type FieldMapping } from '../mapping/fields.js';
import { inline, quoted } from '../platform/log/printable.js';
import { isValidEmail, normalizeEmail } from '../mapping/email.js';
import { mapRecord, type Row } from '../mapping/mapRecord.js';
import type { DirectoryRecord } from '../mapping/record.js';
import { EmailIndex } from './emailIndex.js';
import { RowList, RowStore } from './rowStore.js';
import { SortedRuns } from './sortedRuns.js';

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
  /** How many of the rows written have a value in each column (the fill table, fill.ts). */
  filled: Record<Column, number>;
}

const EXAMPLES_PER_REASON = 5;

export class RowCollector {
  private readonly store = new RowStore();
  /** One row per email: the number of its row (and DN) in `store`. */
  private readonly rowByEmail = new EmailIndex((row) => this.store.email(row));
  /** Every stored row, put in EMAIL order as rows come; `replaced` are the rows a duplicate took the place of. */
  private readonly inEmailOrder = new SortedRuns(this.store);
  private readonly replaced = new Set<number>();
  private entriesFound = 0;
  private readonly skipped: Record<SkipReason, number> = { noEmail: 0, invalidEmail: 0, duplicateEmail: 0, notAllowed: 0 };
  private readonly examples: Record<SkipReason, string[]> = { noEmail: [], invalidEmail: [], duplicateEmail: [], notAllowed: [] };
  private readonly warnings: Record<WarningReason, number> = { phoneNotNormalized: 0, truncated: 0 };
  private readonly warningExamples: Record<WarningReason, string[]> = { phoneNotNormalized: [], truncated: [] };
  /** Rows kept with a value, per column in COLUMNS order: counted as rows come, so no row is read again. */
  private readonly filled = new Float64Array(COLUMNS.length);

  constructor(private readonly mapping: FieldMapping) {}

  add(record: DirectoryRecord): void {
    this.entriesFound += 1;
    const result = mapRecord(record, this.mapping);
    if (result.kind === 'notAllowed') {
      this.skip('notAllowed', `${record.dn} (${result.column} ${quoted(result.value)})`);
      return;
    }
    const row = result.row;
    if (result.notes?.phoneNotNormalized)
      this.warn('phoneNotNormalized', `${record.dn} (${result.notes.phoneNotNormalized.map((c) => `${c} "${row[c]}"`).join(', ')})`);
    if (result.notes?.truncated) this.warn('truncated', `${record.dn} (${result.notes.truncated.join(', ')})`);
    row.EMAIL = normalizeEmail(row.EMAIL);
    if (row.EMAIL === '') return this.skip('noEmail', record.dn);
    if (!isValidEmail(row.EMAIL)) return this.skip('invalidEmail', `${record.dn} (${quoted(row.EMAIL)})`);
    const existing = this.rowByEmail.get(row.EMAIL);
    if (existing === undefined) {
      this.rowByEmail.set(row.EMAIL, this.keep(row, record.dn));
      return;
    }
    // Keep the account whose DN sorts first, so the result does not depend on the order the
    // server returned entries in and two runs over the same directory agree.
    const existingDn = this.store.dn(existing);
    // The same entry read twice (two search bases that overlap in a way their DNs did not show) is one person.
    if (existingDn.toLowerCase() === record.dn.toLowerCase()) {
      this.entriesFound -= 1;
      return;
    }
    const keepNew = record.dn.toLowerCase() < existingDn.toLowerCase();
    this.skip('duplicateEmail', `${keepNew ? existingDn : record.dn} (same EMAIL as ${keepNew ? record.dn : existingDn})`);
    if (keepNew) {
      this.count(this.store.row(existing), -1); // rare (a duplicate EMAIL): reading the row back is fine
      this.replaced.add(existing);
      this.rowByEmail.set(row.EMAIL, this.keep(row, record.dn));
    }
  }

  /** The rows sorted by EMAIL (so two runs can be compared line by line) and the summary. */
  finish(): { rows: RowList; summary: RowSummary } {
    const numbers = this.inEmailOrder.finish(this.replaced.size === 0 ? undefined : (number) => !this.replaced.has(number));
    const rows = new RowList(this.store, numbers, true);
    return {
      rows,
      summary: {
        entriesFound: this.entriesFound,
        rowsWritten: rows.length,
        skipped: { ...this.skipped },
        examples: structuredClone(this.examples),
        warnings: { ...this.warnings },
        warningExamples: structuredClone(this.warningExamples),
        filled: Object.fromEntries(COLUMNS.map((column, i) => [column, this.filled[i]!])) as Record<Column, number>,
      },
    };
  }

  private keep(row: Row, dn: string): number {
    this.count(row, 1);
    const number = this.store.put(row, dn);
    this.inEmailOrder.add(number);
    return number;
  }

  private count(row: Row, by: 1 | -1): void {
    for (let i = 0; i < COLUMNS.length; i++) if (row[COLUMNS[i]!] !== '') this.filled[i] = this.filled[i]! + by;
  }

  // An example is a DN and a value from the directory: shown in the log, so made printable here.
  private warn(reason: WarningReason, example: string): void {
    this.warnings[reason] += 1;
    if (this.warningExamples[reason].length < EXAMPLES_PER_REASON) this.warningExamples[reason].push(inline(example));
  }

  private skip(reason: SkipReason, example: string): void {
    this.skipped[reason] += 1;
    if (this.examples[reason].length < EXAMPLES_PER_REASON) this.examples[reason].push(inline(example));
  }
}
