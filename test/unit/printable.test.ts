// Text log lines show control and invisible characters as escapes, and a line break inside a
// logged value cannot start what looks like a new log entry, on the terminal or in the log file.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type LogStreams } from '../../src/platform/log/logger.js';
import { inline, printable, printableLines, quoted } from '../../src/platform/log/printable.js';

describe('printable log text', () => {
  it('escapes C0, DEL, C1, zero-width, bidi and line-separator characters, keeping ordinary text', () => {
    expect(printable('a\rb\tc\0d\x7fe\x85f\u200bg\u202eh\u2028i\uFEFFj')).to.equal('a\\rb\\tc\\u0000d\\u007fe\\u0085f\\u200bg\\u202eh\\u2028i\\ufeffj');
    expect(printable('Émilie Dubé <émilie@exemple.ca> C:\\roster\\state')).to.equal('Émilie Dubé <émilie@exemple.ca> C:\\roster\\state');
  });

  it('indents every continuation line that is not indented already', () => {
    expect(printableLines('first\nforged line\n  what to try: x')).to.equal('first\n    forged line\n  what to try: x');
  });

  it('quotes a value from outside with every control character escaped, line breaks too, and cuts a long one', () => {
    expect(quoted('a@b.ca\n2026-01-01T00:00:00.000Z ERROR "x"')).to.equal('"a@b.ca\\n2026-01-01T00:00:00.000Z ERROR \\"x\\""');
    expect(quoted(`${'x'.repeat(100_000)}@b.ca`)).to.match(/^"x{120}"… \(100005 characters\)$/);
  });

  it('shows a value inside a message unquoted, with line breaks escaped too, leaving escapes already made alone', () => {
    expect(inline('CN=Doe\\, Jane\n2026 ERROR x\u001b[2K')).to.equal('CN=Doe\\, Jane\\n2026 ERROR x\\u001b[2K');
    expect(inline(quoted('a\nb'))).to.equal(quoted('a\nb'));
  });

  it('the logger: a value with a line break forges no entry in the log file or on the terminal', () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'roster-log-')), 'roster.log');
    const err: string[] = [];
    const streams: LogStreams = {
      stdout: { write: () => true },
      stderr: {
        isTTY: false,
        columns: 80,
        write: (chunk: string | Uint8Array) => {
          err.push(String(chunk));
          return true;
        },
      },
    };
    const log = createLogger({ format: 'text', verbosity: 'normal', logFile }, streams);
    log.warn('skipped: cn=x ("a@b.ca\n2026-01-01T00:00:00.000Z ERROR forged\rhidden\u001b[2K")');
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^\S+Z WARN skipped: cn=x \("a@b\.ca$/);
    // Every line carries the entry's own time and level first, and a continuation is indented after them.
    expect(lines[1]).to.match(/^\S+Z WARN {5}2026-01-01T00:00:00\.000Z ERROR forged\\rhidden\\u001b\[2K"\)$/);
    expect(
      err
        .join('')
        .split('\n')
        .filter((line) => /^\S/.test(line)),
    ).to.have.length(1);
  });
});
