// A small, strict RFC 4180 CSV parser for the iLobby sandbox (csv-parse is not a dependency).
//
// - fields are separated by commas; records end with CRLF or LF (a final line break is optional);
// - a field may be enclosed in double quotes; inside quotes a doubled quote ("") is one quote and
//   commas, CR and LF are data;
// - anything RFC 4180 does not allow is an error rather than a guess: a quote inside an unquoted
//   field, text after a closing quote, a bare CR outside quotes, an unterminated quoted field.
// The sandbox is meant to catch malformed output from roster, so it is deliberately not lenient.

export interface CsvRecord {
  /** 1-based physical line on which the record starts (line 1 is the header). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;

  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < n) {
    // Start of a field.
    if (text[i] === '"') {
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError('unterminated quoted field', quoteLine);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      // After the closing quote: a separator, a record end, or the end of the text.
      if (i >= n) break;
      const c = text[i]!;
      if (c !== ',' && c !== '\n' && !(c === '\r' && text[i + 1] === '\n')) {
        throw new CsvSyntaxError('unexpected character after a closing quote', line);
      }
    } else {
      while (i < n) {
        const c = text[i]!;
        if (c === ',' || c === '\n' || c === '\r') break;
        if (c === '"') throw new CsvSyntaxError('quote inside an unquoted field', line);
        field += c;
        i++;
      }
      if (i >= n) break;
    }
    // text[i] is a separator or a record end.
    const c = text[i]!;
    if (c === ',') {
      endField();
      i++;
      if (i >= n) break; // "a,b," at EOF: the last (empty) field is added after the loop
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') throw new CsvSyntaxError('bare CR outside a quoted field', line);
      endRecord();
      i += 2;
      line++;
      recordLine = line;
    } else {
      endRecord();
      i++;
      line++;
      recordLine = line;
    }
  }

  // A record without a final line break (or a text ending in a separator).
  if (endsInsideRecord(text)) endRecord();
  return records;
}

/** True when the text's last record has no final line break, e.g. `a,b` or `""`. */
function endsInsideRecord(text: string): boolean {
  return text.length > 0 && !text.endsWith('\n');
}
