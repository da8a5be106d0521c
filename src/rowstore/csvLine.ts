// One line of the iLobby CSV, both ways: RFC 4180 quoting, the eight columns in header order.
// Pure. Values are written verbatim: no formula escaping, because the reader is an API, not a
// spreadsheet, and a leading "=" or "+" (a phone number) must reach it unchanged.
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';

export const CSV_HEADER = COLUMNS.join(',');

/** RFC 4180: a field holding a comma, double quote, CR or LF is quoted, its quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The fields before EMAIL, each followed by its comma. */
export function csvLineStart(row: Row): string {
  return `${csvField(row.FIRSTNAME)},${csvField(row.LASTNAME)},${csvField(row.TITLE)},${csvField(row.DIVISION)},`;
}

/** The fields after EMAIL, each preceded by its comma. */
export function csvLineEnd(row: Row): string {
  return `,${csvField(row.MOBILE)},${csvField(row.DESKPHONE)},${csvField(row.SITE)}`;
}

/** The row's line, without its line end. */
export function csvLine(row: Row): string {
  return csvLineStart(row) + csvField(row.EMAIL) + csvLineEnd(row);
}

/** The row a line written by csvLine holds. */
export function parseCsvLine(line: string): Row {
  const values = line.includes('"') ? splitQuoted(line) : line.split(',');
  if (values.length !== COLUMNS.length) throw new Error(`a CSV line with ${values.length} fields, expected ${COLUMNS.length}`);
  const row = {} as Row;
  COLUMNS.forEach((column, i) => {
    row[column] = values[i]!;
  });
  return row;
}

function splitQuoted(line: string): string[] {
  const values: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) throw new Error('a CSV line with an unclosed quote');
        value += line.slice(from, quote);
        if (line[quote + 1] !== '"') {
          at = quote + 1;
          break;
        }
        value += '"';
        from = quote + 2;
      }
      values.push(value);
    } else {
      const comma = line.indexOf(',', at);
      values.push(line.slice(at, comma === -1 ? line.length : comma));
      at = comma === -1 ? line.length : comma;
    }
    if (at >= line.length) return values;
    at += 1; // the comma
    if (at === line.length) {
      values.push('');
      return values;
    }
  }
}
