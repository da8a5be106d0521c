// The iLobby address-book CSV: the eight columns, RFC 4180 quoting, UTF-8, optional BOM.
import { stringify } from 'csv-stringify/sync';
import { InvalidInputError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';
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

/** Writes the CSV atomically; a path that cannot be written is the config's problem (exit 2). */
export function writeCsvFile(path: string, rows: readonly Row[], options: { bom: boolean }): void {
  try {
    writeFileAtomic(path, formatCsv(rows, options));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`cannot write the CSV ${path}: ${code}`, {
      hint: 'Check csv.path (or --out): its folder must exist and be writable by the account running roster.',
      cause: error,
    });
  }
}
