// The logger's promises to operators: a progress line only on a terminal, erased before anything
// else is printed and never wider than the screen; JSON mode gives one parseable object per line.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, stamped, usageErrorLine, type LoggerOptions, type LogStreams } from '../../src/platform/log/logger.js';

function fakeStreams(isTTY: boolean, columns = 40) {
  const out: string[] = [];
  const err: string[] = [];
  const streams: LogStreams = {
    stdout: {
      write: (chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      },
    },
    stderr: {
      isTTY,
      columns,
      write: (chunk: string | Uint8Array) => {
        err.push(String(chunk));
        return true;
      },
    },
  };
  return { streams, stdout: () => out.join(''), stderr: () => err.join('') };
}
const options = (overrides: Partial<LoggerOptions> = {}): LoggerOptions => ({ format: 'text', verbosity: 'normal', logFile: undefined, ...overrides });

describe('logger', () => {
  it('shows progress on a terminal and erases it before the next line', () => {
    const fake = fakeStreams(true);
    const log = createLogger(options(), fake.streams);
    log.progress('OU=Staff: 1000 entries, 1 pages');
    log.progress('OU=Staff: 1229 entries, 2 pages');
    log.info('done reading');
    log.result('rows written: 1166', {});
    expect(fake.stderr()).to.equal('\r\x1b[KOU=Staff: 1000 entries, 1 pages\r\x1b[KOU=Staff: 1229 entries, 2 pages\r\x1b[Kdone reading\n');
    expect(fake.stdout()).to.equal('rows written: 1166\n');
  });

  it('erases a progress line before the result too, and cuts it to the terminal width', () => {
    const fake = fakeStreams(true, 30);
    const log = createLogger(options(), fake.streams);
    log.progress(`OU=${'x'.repeat(100)}: 5 entries`);
    log.result('ok', {});
    const [, shown] = fake.stderr().split('\r\x1b[K');
    expect([...shown!].length).to.equal(29);
    expect(shown!.endsWith('…')).to.equal(true);
    expect(fake.stderr().endsWith('\r\x1b[K')).to.equal(true);
  });

  it('never shows progress in a pipe, in JSON or with --quiet', () => {
    for (const [tty, overrides] of [
      [false, {}],
      [true, { format: 'json' as const }],
      [true, { verbosity: 'quiet' as const }],
    ] as const) {
      const fake = fakeStreams(tty);
      const log = createLogger(options(overrides), fake.streams);
      log.progress('1000 entries');
      log.warn('a warning');
      expect(fake.stderr(), JSON.stringify(overrides)).not.to.include('1000 entries');
      expect(fake.stderr()).not.to.include('\x1b');
      // The warning is there: the progress line is left out, not everything.
      expect(fake.stderr(), JSON.stringify(overrides)).to.include('a warning');
    }
  });

  it('writes one JSON object per line in JSON mode, to the terminal and the log file', () => {
    const fake = fakeStreams(false);
    const logFile = join(mkdtempSync(join(tmpdir(), 'roster-log-')), 'roster.log');
    const log = createLogger(options({ format: 'json', logFile }), fake.streams);
    log.info('two\nlines', { base: 'OU=Staff' });
    log.error('failed', { exitCode: 3 });
    log.result('summary\nmore', { rows: 5 });
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines(fake.stderr()).map((l) => [l.level, l.message])).to.deep.equal([
      ['info', 'two\nlines'],
      ['error', 'failed'],
    ]);
    expect(lines(fake.stdout()).map((l) => [l.level, l.message, l.rows])).to.deep.equal([['result', 'summary', 5]]);
    expect(lines(readFileSync(logFile, 'utf8')).map((l) => l.level)).to.deep.equal(['info', 'error', 'result']);
  });

  it('says once, in the log format, when the log file cannot be written', () => {
    const fake = fakeStreams(false);
    const log = createLogger(options({ format: 'json', logFile: join(tmpdir(), 'no-such-folder-roster', 'x.log') }), fake.streams);
    log.info('one');
    log.info('two');
    const lines = fake
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; message: string });
    expect(lines.map((l) => l.level)).to.deep.equal(['warn', 'info', 'info']);
    expect(lines[0]!.message).to.match(/^cannot append to the log file .*x\.log: .*; logging to the terminal only$/);
  });

  it('formats a usage error as JSON only when the command line asks for JSON logs', () => {
    expect(usageErrorLine('Unknown argument: bogus', ['export', '--bogus'])).to.equal('error: Unknown argument: bogus\nRun "roster --help" for usage.');
    for (const args of [
      ['export', '--log-format', 'json', '--bogus'],
      ['--log-format=json', 'export'],
    ]) {
      const line = JSON.parse(usageErrorLine('Unknown argument: bogus', args)) as Record<string, unknown>;
      expect([line.level, line.message, line.exitCode]).to.deep.equal(['error', 'Unknown argument: bogus', 2]);
    }
  });
});

describe('log file lines', () => {
  it('puts the time and level on every line of a multi-line entry', () => {
    const time = new Date('2026-03-09T06:00:00.000Z');
    expect(stamped('ERROR', 'refused:\n  - 12 people would be disabled\n  what to try: --force', time).split('\n')).to.deep.equal([
      '2026-03-09T06:00:00.000Z ERROR refused:',
      '2026-03-09T06:00:00.000Z ERROR   - 12 people would be disabled',
      '2026-03-09T06:00:00.000Z ERROR   what to try: --force',
    ]);
  });
});
