// Logging for people (text on stderr) and for log collectors (one JSON object per line),
// with an optional log file that is appended to. Results (a command's summary) go to stdout.
import { appendFileSync } from 'node:fs';
import { redact } from './redact.js';

export type LogFormat = 'text' | 'json';
export type Verbosity = 'quiet' | 'normal' | 'verbose';
type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  format: LogFormat;
  verbosity: Verbosity;
  logFile: string | undefined;
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

export function createLogger(options: LoggerOptions): Logger {
  const minimum: Level = options.verbosity === 'verbose' ? 'debug' : options.verbosity === 'quiet' ? 'warn' : 'info';
  const tty = process.stderr.isTTY === true && options.format === 'text' && options.verbosity !== 'quiet';
  let progressShown = false;

  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  const toFile = (line: string) => {
    if (options.logFile === undefined) return;
    try {
      appendFileSync(options.logFile, `${line}\n`);
    } catch (error) {
      options.logFile = undefined;
      process.stderr.write(`warn: cannot append to the log file: ${(error as Error).message}; logging to the terminal only\n`);
    }
  };
  const jsonLine = (level: Level | 'result', message: string, fields?: Fields) =>
    redact(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));

  const write = (level: Level, message: string, fields?: Fields) => {
    const text = redact(message);
    const fileLine = options.format === 'json' ? jsonLine(level, message, fields) : `${new Date().toISOString()} ${level.toUpperCase()} ${text}`;
    toFile(fileLine);
    if (RANK[level] < RANK[minimum]) return;
    clearProgress();
    process.stderr.write(`${options.format === 'json' ? fileLine : `${level === 'info' ? '' : `${level}: `}${text}`}\n`);
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
        process.stdout.write(`${line}\n`);
      } else {
        toFile(`${new Date().toISOString()} RESULT ${redact(text).replace(/\n/g, '\n    ')}`);
        process.stdout.write(`${redact(text)}\n`);
      }
    },
    progress(message) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${redact(message)}`);
      progressShown = true;
    },
  };
}

/** A logger that drops everything; for unit tests of code that logs. */
export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {}, result() {}, progress() {},
};
