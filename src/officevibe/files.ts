// The three CSV files of the Officevibe Enterprise Sync Tool: reading them (encoding, CSV syntax,
// header, line numbers) and writing them. Pure: callers pass text (encoding.ts decodes the bytes).
// What the values must be (ids, emails, references) is validate.ts's job.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export interface TableSpec {
  /** Known columns in their canonical spelling; a header names them in any case and order. */
  columns: readonly string[];
  required: readonly string[];
  /** Whether columns beyond `columns` are kept (users.csv) or refused (the other two). */
  extraColumns: boolean;
}

export interface TableRecord {
  /** The line the record starts on (1 is the header), as a text editor counts. */
  line: number;
  /** Trimmed values by column name (canonical for known columns, as written for extra ones). */
  cells: Map<string, string>;
}

export interface Table {
  file: string;
  /** Header order, canonical spelling for known columns. */
  columns: string[];
  records: TableRecord[];
}

export const USERS_SPEC: TableSpec = {
  columns: ['id', 'email', 'firstName', 'lastName', 'jobTitle', 'imageUrl', 'language'],
  required: ['id', 'email'],
  extraColumns: true,
};
export const GROUPS_SPEC: TableSpec = { columns: ['id', 'name'], required: ['id', 'name'], extraColumns: false };
export const MAPPINGS_SPEC: TableSpec = {
  columns: ['groupId', 'userId', 'subGroupId', 'isMember', 'isManager'],
  required: ['groupId', 'userId', 'subGroupId', 'isMember', 'isManager'],
  extraColumns: false,
};

/** `file line N: message`, the one shape of every problem found in the files. */
export function at(file: string, line: number, message: string): string {
  return `${file} line ${line}: ${message}`;
}

/** Parses CSV text with a header: comma-separated, double quotes escaped by doubling (RFC 4180). */
export function readTable(text: string, file: string, spec: TableSpec): { table: Table | undefined; problems: string[] } {
  // Excel saves "CSV" with semicolons where the decimal separator is a comma (French, German...).
  const firstLine = /^[\r\n]*([^\r\n]*)/.exec(text)?.[1] ?? '';
  if (!firstLine.includes(',') && firstLine.includes(';')) {
    return {
      table: undefined,
      problems: [
        at(
          file,
          1,
          `the file is separated by ";" (Excel in some languages), not by commas: save it as "CSV UTF-8 (comma delimited)" (header found: ${firstLine})`,
        ),
      ],
    };
  }
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    // csv-parse's types miss that `info: true` gives { record, info } per row, not the row itself.
    parsed = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof parsed;
  } catch (error) {
    return { table: undefined, problems: [`${file}: not valid CSV: ${(error as Error).message}`] };
  }
  const lines = startLines(
    text,
    parsed.map((p) => p.info.bytes),
  );
  const header = parsed[0];
  if (header === undefined) return { table: undefined, problems: [`${file} has no header line`] };
  const headerLine = lines[0] ?? 1;
  const problems: string[] = [];
  const canonical = new Map(spec.columns.map((c) => [c.toLowerCase(), c]));
  const columns: string[] = [];
  for (const raw of header.record) {
    const name = canonical.get(raw.toLowerCase()) ?? raw;
    if (name === '') problems.push(at(file, headerLine, `column ${columns.length + 1} has no name`));
    else if (columns.some((c) => c.toLowerCase() === name.toLowerCase())) problems.push(at(file, headerLine, `column "${raw}" appears twice`));
    else if (!canonical.has(name.toLowerCase()) && !spec.extraColumns) {
      problems.push(at(file, headerLine, `unknown column "${raw}" (the columns are ${spec.columns.join(',')})`));
    }
    columns.push(name);
  }
  const missing = spec.required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    problems.push(at(file, headerLine, `the header has no ${missing.map((c) => `"${c}"`).join(', ')} column (found: ${header.record.join(',')})`));
  }
  if (problems.length > 0) return { table: undefined, problems };

  const records: TableRecord[] = [];
  parsed.slice(1).forEach(({ record }, index) => {
    const line = lines[index + 1] ?? 0;
    if (record.length !== columns.length) {
      problems.push(at(file, line, `${record.length} fields, expected ${columns.length} (${columns.join(',')})`));
      return;
    }
    records.push({ line, cells: new Map(columns.map((column, i) => [column, (record[i] ?? '').trim()])) });
  });
  return { table: { file, columns, records }, problems };
}

/**
 * The line each record starts on. csv-parse's own line count is off for CRLF files with quoted
 * line breaks (what Excel writes on Windows), so lines are counted here from the byte offsets
 * where records end, skipping the empty lines csv-parse skipped.
 */
function startLines(text: string, endOffsets: number[]): number[] {
  const bytes = Buffer.from(text, 'utf8');
  const lines: number[] = [];
  let offset = 0;
  let line = 1;
  for (const end of endOffsets) {
    while (offset < end && (bytes[offset] === 0x0a || bytes[offset] === 0x0d)) {
      if (bytes[offset] === 0x0a) line += 1;
      offset += 1;
    }
    lines.push(line);
    for (; offset < end; offset += 1) if (bytes[offset] === 0x0a) line += 1;
  }
  return lines;
}

/** A CSV file as the original tool reads it: UTF-8 with BOM, a header, RFC 4180 quoting, LF line ends. */
export function formatTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const body = stringify([[...columns], ...rows.map((row) => [...row])], {
    record_delimiter: 'unix',
    quoted_match: /\r/, // csv-stringify quotes on comma, quote and \n by itself; a bare CR must be quoted too
  });
  return `\uFEFF${body}`;
}
