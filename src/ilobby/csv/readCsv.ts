// Checks an iLobby address-book CSV: one made elsewhere (`roster upload`) or roster's own
// last push (the state). Problems carry line numbers. Pure: the caller passes the bytes. The rows
// are kept as the export's are (src/rowstore/), so a 100,000-row file costs about what its rows do.
import { quoted } from '../../platform/log/printable.js';
import { COLUMNS } from '../../mapping/fields.js';
import type { Row } from '../../mapping/mapRecord.js';
import { isValidEmail, normalizeEmail } from '../../mapping/email.js';
import { EmailIndex } from '../../rowstore/emailIndex.js';
import { RowList, RowStore } from '../../rowstore/rowStore.js';
import { CSV_HEADER } from '../../rowstore/csvLine.js';
import { CsvSyntaxError, forEachRecord } from './csvRecords.js';

export interface CsvCheck {
  /** In the file's order; EMAIL trimmed and lower-cased, as the service matches it. */
  rows: RowList;
  problems: string[];
}

const MAX_PROBLEMS = 20;

export function checkIlobbyCsv(bytes: Uint8Array): CsvCheck {
  const store = new RowStore();
  const numbers: number[] = [];
  const none = (problems: string[]): CsvCheck => ({ rows: new RowList(store, new Uint32Array(0)), problems });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return none([`line ${lineOfFirstInvalidByte(bytes)}: not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8")`]);
  }
  text = text.replace(/^\uFEFF/, '');
  const problems: string[] = [];
  let header: string[] | undefined;
  /** The line each stored row came from, by row number, to name the first of two equal EMAILs. */
  const lineOf: number[] = [];
  const rowByEmail = new EmailIndex((row) => store.email(row));
  try {
    forEachRecord(text, (fields, line) => {
      if (header === undefined) {
        header = fields;
        return fields.join(',') === CSV_HEADER;
      }
      if (fields.length !== COLUMNS.length) {
        problems.push(`line ${line}: ${fields.length} fields, expected ${COLUMNS.length}`);
        return;
      }
      const row = {} as Row;
      COLUMNS.forEach((column, i) => {
        row[column] = fields[i]!;
      });
      // The same email rule as an export: the service matches people by EMAIL, case-insensitively.
      const given = row.EMAIL;
      row.EMAIL = normalizeEmail(given);
      const valid = isValidEmail(row.EMAIL);
      if (row.EMAIL === '') problems.push(`line ${line}: EMAIL is empty`);
      else if (!valid) problems.push(`line ${line}: EMAIL ${quoted(given)} is not a valid address`);
      const earlier = valid ? rowByEmail.get(row.EMAIL) : undefined;
      if (earlier !== undefined) {
        problems.push(`line ${line}: EMAIL ${row.EMAIL} already on line ${lineOf[earlier]}`);
        return;
      }
      const number = store.put(row, '');
      lineOf[number] = line;
      numbers.push(number);
      if (valid) rowByEmail.set(row.EMAIL, number);
    });
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return none([`not valid CSV: ${error.message}`]);
  }
  if (header === undefined) return none(['the file is empty: expected the header line']);
  if (header.join(',') !== CSV_HEADER) return none([`line 1: the header must be exactly ${CSV_HEADER}, found ${header.join(',')}`]);
  const rows = new RowList(store, Uint32Array.from(numbers));
  return { rows, problems: problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems };
}

function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const bad = lenient.indexOf('\uFFFD');
  return lenient.slice(0, Math.max(0, bad)).split('\n').length;
}
