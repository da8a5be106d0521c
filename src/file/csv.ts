// The iLobby address-book CSV: the eight columns, RFC 4180 quoting, UTF-8, optional BOM.
import { stringify } from 'csv-stringify/sync';
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';

export const CSV_HEADER = COLUMNS.join(',');

/**
 * Values are written verbatim: no formula escaping, because the reader is an API, not a
 * spreadsheet, and a leading "=" or "+" (a phone number) must reach it unchanged.
 */
export function formatCsv(rows: readonly Row[], options: { bom: boolean }): string {
  const body = stringify(rows as Row[], {
    header: true,
    columns: [...COLUMNS],
    record_delimiter: 'unix',
    quoted_match: /\r/, // csv-stringify quotes on comma, quote and \n by itself; a bare CR must be quoted too
  });
  return `${options.bom ? '\uFEFF' : ''}${body}`;
}
