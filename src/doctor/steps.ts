// How `roster check` reports: one line per step with ✔ or ✘, under every failure a sentence saying
// what to try, and the exit code of the first failure. The lines are the command's result (stdout,
// or one JSON object each with --log-format json); the run report gets the same steps.
import { ExitCode } from '../platform/errors.js';
import { describeFailure } from '../platform/log/failure.js';
import type { Logger } from '../platform/log/logger.js';

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckStep {
  /** What was checked: config, fields, DNS, TCP, TLS, bind, search, rows, token. */
  step: string;
  /** What it was checked for: a file, a domain controller's URL, an iLobby target. */
  subject: string;
  status: StepStatus;
  message: string;
  hint?: string;
  exitCode?: ExitCode;
}

export type Symbols = Record<StepStatus, string>;
export const UNICODE_SYMBOLS: Symbols = { pass: '✔', warn: '⚠', fail: '✘', skip: '–' };
export const ASCII_SYMBOLS: Symbols = { pass: 'OK  ', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** The classic Windows console shows ✔ and ✘ as boxes in its default fonts; Windows Terminal does not. */
export function symbolsFor(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Symbols {
  return platform === 'win32' && env.WT_SESSION === undefined ? ASCII_SYMBOLS : UNICODE_SYMBOLS;
}

/** A step as text: symbol, step name, message; further lines and the hint aligned beneath. Pure. */
export function formatStep(step: CheckStep, symbols: Symbols, indent: string): string {
  const head = `${indent}${symbols[step.status]} ${step.step.padEnd(6)} `;
  const pad = ' '.repeat([...head].length);
  const [first = '', ...rest] = step.message.split('\n');
  const lines = [`${head}${first}`, ...rest.map((line) => `${pad}${line}`)];
  if (step.hint !== undefined) lines.push(`${pad}what to try: ${step.hint}`);
  return lines.join('\n');
}

export class CheckLog {
  readonly steps: CheckStep[] = [];
  private indent = '';

  constructor(
    private readonly log: Logger,
    private readonly symbols: Symbols,
  ) {}

  /** A heading (a domain controller, an iLobby target): the steps after it are indented under it. */
  section(title: string): void {
    this.indent = '  ';
    this.log.result(title, { check: 'section', subject: title });
  }

  pass(step: string, subject: string, message: string, details: Record<string, unknown> = {}): void {
    this.record({ step, subject, status: 'pass', message }, details);
  }

  warn(step: string, subject: string, message: string, hint: string, details: Record<string, unknown> = {}): void {
    this.record({ step, subject, status: 'warn', message, hint }, details);
  }

  skip(step: string, subject: string, message: string): void {
    this.record({ step, subject, status: 'skip', message }, {});
  }

  /** A failed step: its message, hint and exit code as platform/log/failure.ts describes the error (a bug: exit 1). */
  fail(step: string, subject: string, error: unknown, detail?: string): void {
    const failure = describeFailure(error);
    if (failure.kind === 'unexpected') this.log.debug(error instanceof Error ? (error.stack ?? failure.message) : failure.message);
    this.record(
      {
        step,
        subject,
        status: 'fail',
        message: detail === undefined ? failure.message : `${failure.message}\n${detail}`,
        hint: failure.hint,
        exitCode: failure.exitCode,
      },
      {},
    );
  }

  /** The first failure's exit code, or 0. */
  get exitCode(): ExitCode {
    return this.steps.find((step) => step.status === 'fail')?.exitCode ?? ExitCode.ok;
  }

  /** The last line: how many steps passed, and which failed first. */
  summary(): string {
    const count = (status: StepStatus) => this.steps.filter((step) => step.status === status).length;
    const warnings = count('warn') > 0 ? `, ${count('warn')} warning${count('warn') === 1 ? '' : 's'}` : '';
    const failed = this.steps.find((step) => step.status === 'fail');
    if (failed === undefined) return `check passed: ${count('pass')} steps ok${warnings}; nothing was uploaded`;
    return `check failed: ${count('fail')} of ${this.steps.length} steps failed${warnings}; the first: ${failed.step} (${failed.subject}), exit ${failed.exitCode}`;
  }

  private record(step: CheckStep, details: Record<string, unknown>): void {
    if (step.hint === undefined) delete step.hint;
    this.steps.push(step);
    const { step: check, ...fields } = step;
    this.log.result(formatStep(step, this.symbols, this.indent), { check, ...fields, ...details });
  }
}
