// Logging for people (text on stderr) and for log collectors (one JSON object per line),
// with an optional log file that is appended to. Results (a command's summary) go to stdout.
import { openSync, writeSync } from 'node:fs';
import { ExitCode } from '../errors.js';
import { openInPlace, outputTarget, PRIVATE_FILE_MODE } from '../atomicWrite.js';
import { printable, printableLines } from './printable.js';
import { redact } from './redact.js';

export type LogFormat = 'text' | 'json';
export type Verbosity = 'quiet' | 'normal' | 'verbose';
type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  format: LogFormat;
  verbosity: Verbosity;
  logFile: string | undefined;
  /** The log file already opened (openLogFile), so that a path that cannot be used is found before the run starts. */
  logFileFd?: number;
}

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A command's outcome: text for people on stdout, or one JSON line. Shown even with --quiet. */
  result(text: string, fields: Fields): void;
  /** A transient progress line, shown only on a terminal. */
  progress(message: string): void;
}

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Where a logger writes; the process's own streams except in unit tests. */
export interface LogStreams {
  stdout: Pick<NodeJS.WriteStream, 'write'>;
  stderr: Pick<NodeJS.WriteStream, 'write' | 'isTTY' | 'columns'>;
}

/** Carriage return and "erase to end of line": removes a progress line from the terminal. */
const ERASE_LINE = '\r\x1b[K';

export function createLogger(options: LoggerOptions, streams: LogStreams = process): Logger {
  const { stdout, stderr } = streams;
  const minimum: Level = options.verbosity === 'verbose' ? 'debug' : options.verbosity === 'quiet' ? 'warn' : 'info';
  // A progress line is for a person watching a terminal: never in a pipe, a log file or JSON.
  const tty = stderr.isTTY === true && options.format === 'text' && options.verbosity !== 'quiet';
  let progressShown = false;

  const clearProgress = () => {
    if (progressShown) stderr.write(ERASE_LINE);
    progressShown = false;
  };
  // A run that ends (or crashes) right after a progress update must not leave it on the screen.
  if (tty && streams === process) process.once('exit', clearProgress);
  const jsonLine = (level: Level | 'result', message: string, fields?: Fields) =>
    redact(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
  let logFd = options.logFileFd;
  const toFile = (line: string) => {
    if (options.logFile === undefined) return;
    try {
      logFd ??= openLogFile(options.logFile);
      writeSync(logFd, `${line}\n`);
    } catch (error) {
      const message = `cannot append to the log file ${options.logFile}: ${(error as Error).message}; logging to the terminal only`;
      options.logFile = undefined;
      clearProgress();
      stderr.write(`${options.format === 'json' ? jsonLine('warn', message) : `warn: ${printableLines(redact(message))}`}\n`);
    }
  };

  const write = (level: Level, message: string, fields?: Fields) => {
    // Redacted first (a secret's own control characters are part of what redaction looks for), then made printable.
    const text = printableLines(redact(message));
    const json = options.format === 'json' ? jsonLine(level, message, fields) : undefined;
    toFile(json ?? stamped(level.toUpperCase(), text));
    if (RANK[level] < RANK[minimum]) return;
    clearProgress();
    stderr.write(`${json ?? `${level === 'info' ? '' : `${level}: `}${text}`}\n`);
  };

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    result(text, fields) {
      clearProgress();
      if (options.format === 'json') {
        const line = jsonLine('result', text.split('\n')[0] ?? '', fields);
        toFile(line);
        stdout.write(`${line}\n`);
      } else {
        toFile(stamped('RESULT', printable(redact(text))));
        stdout.write(`${printable(redact(text))}\n`);
      }
    },
    progress(message) {
      if (!tty) return;
      // One screen line at most: "erase line" cannot remove a line that wrapped onto the next.
      const width = Math.max(20, (stderr.columns || 80) - 1); // 0 or undefined: a terminal of unknown size
      const line = printable(redact(message).replace(/\s+/g, ' '));
      stderr.write(`${ERASE_LINE}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      progressShown = true;
    },
  };
}

/**
 * The log file, opened once for the whole run: a file is appended to (created owner-only, since log
 * lines name people; an existing one keeps its mode), through a symlink to its target; a FIFO or
 * a character device (/dev/stderr) is written in place, and a FIFO's reader sees one stream.
 */
export function openLogFile(path: string): number {
  const target = outputTarget(path, '--log-file');
  if (target.write === 'in place') return target.fd ?? openInPlace(path, '--log-file');
  return openSync(target.path, 'a', PRIVATE_FILE_MODE);
}

/**
 * A log file entry: every line of it carries the time and level, so that a line found by grep, or
 * read after lines of other runs, still says when it was written and how bad it was.
 */
export function stamped(label: string, text: string, time = new Date()): string {
  const prefix = `${time.toISOString()} ${label} `;
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/**
 * The line for a command-line usage error (an unknown option, a missing command), printed before
 * any logger exists: one JSON object when the command line asks for --log-format json.
 */
export function usageErrorLine(message: string, args: readonly string[]): string {
  const index = args.indexOf('--log-format');
  const json = args.includes('--log-format=json') || (index >= 0 && args[index + 1] === 'json');
  if (!json) return `error: ${message}\nRun "roster --help" for usage.`;
  return JSON.stringify({ time: new Date().toISOString(), level: 'error', message, hint: 'Run "roster --help" for usage.', exitCode: ExitCode.invalidInput });
}

/** A logger that drops everything; for unit tests of code that logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  result() {},
  progress() {},
};
