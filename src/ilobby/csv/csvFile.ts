// The iLobby address-book CSV file: the header, then one line per row (csvLine.ts), UTF-8,
// optional BOM, LF line ends.
import { errnoText, InvalidInputError } from '../../platform/errors.js';
import type { Row } from '../../mapping/mapRecord.js';
import type { RowList } from '../../rowstore/rowStore.js';
import { writeFileAtomic } from '../../platform/atomicWrite.js';
import { CSV_HEADER, csvLine } from '../../rowstore/csvLine.js';

export { CSV_HEADER };

function headerLine(options: { bom: boolean }): string {
  return `${options.bom ? '\uFEFF' : ''}${CSV_HEADER}\n`;
}

/** The whole CSV as one string: for a sample or a test; files are written by writeCsvFile. */
export function formatCsv(rows: Iterable<Row>, options: { bom: boolean }): string {
  let text = headerLine(options);
  for (const row of rows) text += `${csvLine(row)}\n`;
  return text;
}

function* csvPieces(rows: RowList, options: { bom: boolean }): Iterable<string | Uint8Array> {
  yield headerLine(options);
  yield* rows.csvLines();
}

/** The whole file as bytes, built from each row's line as the RowList holds it (never one big string): what a push sends and records. */
export function csvBytes(rows: RowList, options: { bom: boolean }): Buffer {
  return Buffer.concat([...csvPieces(rows, options)].map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
}

/**
 * Writes the CSV atomically: the rows (copying each row's line as the RowList holds it, so a large
 * extract is never one big string), or the bytes a push is about to send. A path that cannot be
 * written is the config's problem (exit 2).
 */
export function writeCsvFile(path: string, content: RowList | Uint8Array, options: { bom: boolean }): void {
  try {
    writeFileAtomic(path, content instanceof Uint8Array ? content : csvPieces(content, options));
  } catch (error) {
    const code = errnoText(error);
    throw new InvalidInputError(`cannot write the CSV ${path}: ${code}`, {
      hint: 'Check csv.path (or --out): its folder must exist and be writable by the account running roster.',
      cause: error,
    });
  }
}
