// Checks an iLobby address-book CSV: one made elsewhere (`roster upload`) or roster's own
// last push (the state). Problems carry line numbers. Pure: the caller passes the bytes.
import { parse } from 'csv-parse/sync';
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';
import { isValidEmail } from '../rows/collector.js';
import { CSV_HEADER } from './csv.js';

export interface CsvCheck {
  rows: Row[];
  problems: string[];
}

const MAX_PROBLEMS = 20;

export function checkIlobbyCsv(bytes: Uint8Array): CsvCheck {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { rows: [], problems: [`line ${lineOfFirstInvalidByte(bytes)}: not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8")`] };
  }
  text = text.replace(/^\uFEFF/, '');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    return { rows: [], problems: [`not valid CSV: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  const header = records.shift();
  if (header === undefined) return { rows: [], problems: ['the file is empty: expected the header line'] };
  if (header.record.join(',') !== CSV_HEADER) {
    problems.push(`line 1: the header must be exactly ${CSV_HEADER}, found ${header.record.join(',')}`);
    return { rows: [], problems };
  }
  const rows: Row[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    if (record.length !== COLUMNS.length) {
      problems.push(`line ${line}: ${record.length} fields, expected ${COLUMNS.length}`);
      continue;
    }
    const row = Object.fromEntries(COLUMNS.map((column, index) => [column, record[index] ?? ''])) as Row;
    // The same email rule as an export: the service matches people by EMAIL, case-insensitively.
    const email = row.EMAIL.trim().toLowerCase();
    const given = row.EMAIL;
    row.EMAIL = email;
    if (email === '') problems.push(`line ${line}: EMAIL is empty`);
    else if (!isValidEmail(email)) problems.push(`line ${line}: EMAIL "${given}" is not a valid address`);
    else if (firstLineOf.has(email)) problems.push(`line ${line}: EMAIL ${email} already on line ${firstLineOf.get(email)}`);
    else firstLineOf.set(email, line);
    rows.push(row);
  }
  return { rows, problems: problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems };
}

function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const bad = lenient.indexOf('\uFFFD');
  return lenient.slice(0, Math.max(0, bad)).split('\n').length;
}
