// The --diff-out file: every row a push would add, change or disable, one per line, so an operator
// can review (or sort and filter in a spreadsheet) what a run changes in the service. It is meant
// for a person's spreadsheet, unlike the iLobby CSV (read by the service, written byte-exact): a
// cell a spreadsheet would take for a formula is neutralised (see spreadsheetCell).
import { stringify } from 'csv-stringify/sync';
import type { RosterChanges } from '../diff.js';
import { errnoText, InvalidInputError } from '../../platform/errors.js';
import { COLUMNS, type Column } from '../../mapping/fields.js';
import type { Row } from '../../mapping/mapRecord.js';
import { writeFileAtomic } from '../../platform/atomicWrite.js';

/** EMAIL first: it is what the service matches people by. */
const ROW_COLUMNS: Column[] = ['EMAIL', ...COLUMNS.filter((column) => column !== 'EMAIL')];
export const CHANGES_HEADER = ['target', 'change', ...ROW_COLUMNS, 'changedColumns', 'before'];

export interface TargetChangeList {
  target: string;
  changes: RosterChanges;
}

/**
 * One line per added, changed and to-be-disabled person, per target. A changed line holds the
 * new values; `changedColumns` names the columns that differ (space-separated) and `before` their
 * previous values as a JSON object. A disabled line holds the values of the last push.
 */
export function formatChangesCsv(lists: readonly TargetChangeList[]): string {
  const records: string[][] = [];
  const line = (target: string, change: string, row: Row, columns: readonly string[] = [], before = '') =>
    records.push([target, change, ...ROW_COLUMNS.map((column) => row[column]), columns.join(' '), before].map(spreadsheetCell));
  for (const { target, changes } of lists) {
    for (const row of changes.added) line(target, 'added', row);
    for (const { before, after, columns } of changes.changed) {
      line(target, 'changed', after, columns, JSON.stringify(Object.fromEntries(columns.map((column) => [column, before[column as Column]]))));
    }
    for (const row of changes.disabled) line(target, 'disabled', row);
  }
  return stringify(records, { header: true, columns: CHANGES_HEADER, record_delimiter: 'unix', quoted_match: /\r/ });
}

/**
 * A cell as a spreadsheet should show it: one starting with =, +, -, @, a tab or a carriage return
 * would be read by Excel or LibreOffice as a formula (=HYPERLINK(…) from a directory value, a DDE
 * call), so it gets a leading ' (which they show as text and hide). "+1 416 555 0100" becomes
 * "'+1 416 555 0100". Pure.
 */
export function spreadsheetCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Writes the file atomically; a path that cannot be written exits 2 naming it. */
export function writeChangesCsv(path: string, lists: readonly TargetChangeList[]): void {
  try {
    writeFileAtomic(path, formatChangesCsv(lists));
  } catch (error) {
    throw new InvalidInputError(`cannot write the change list ${path}: ${errnoText(error)}`, {
      hint: 'Check the --diff-out path: its folder must exist and be writable by the account running roster.',
      cause: error,
    });
  }
}
