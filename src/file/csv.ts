// The iLobby address-book CSV: the eight columns, RFC 4180 quoting, UTF-8, optional BOM.
import { InvalidInputError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';

export const CSV_HEADER = COLUMNS.join(',');

/** RFC 4180: a field holding a comma, double quote, CR or LF is quoted, its quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;
/** Pieces of about this many characters go to the file writer: small enough (≤ 64 KB even as
 * UTF-16) to stay out of V8's large-object space, which only a full garbage collection empties. */
const CHUNK_CHARS = 1 << 15;

function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV text in pieces of about 32,000 characters, so a large extract is never one big string.
 * Values are written verbatim: no formula escaping, because the reader is an API, not a
 * spreadsheet, and a leading "=" or "+" (a phone number) must reach it unchanged.
 */
export function* csvChunks(rows: Iterable<Row>, options: { bom: boolean }): Generator<string> {
  let chunk = `${options.bom ? '\uFEFF' : ''}${CSV_HEADER}\n`;
  for (const row of rows) {
    chunk += `${csvField(row.FIRSTNAME)},${csvField(row.LASTNAME)},${csvField(row.TITLE)},${csvField(row.DIVISION)},` +
      `${csvField(row.EMAIL)},${csvField(row.MOBILE)},${csvField(row.DESKPHONE)},${csvField(row.SITE)}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

export function formatCsv(rows: readonly Row[], options: { bom: boolean }): string {
  return [...csvChunks(rows, options)].join('');
}

/** Writes the CSV atomically; a path that cannot be written is the config's problem (exit 2). */
export function writeCsvFile(path: string, rows: readonly Row[], options: { bom: boolean }): void {
  try {
    writeFileAtomic(path, csvChunks(rows, options));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`cannot write the CSV ${path}: ${code}`, {
      hint: 'Check csv.path (or --out): its folder must exist and be writable by the account running roster.',
      cause: error,
    });
  }
}
