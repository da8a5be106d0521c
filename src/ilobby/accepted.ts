// What the service took of a push, from its answer (api/answer.ts reads it): the rows it rejected,
// the people it says it disabled against the people roster predicted, and so what it now holds,
// which becomes the last push the next run compares with. Pure.
import { quoted } from '../platform/log/printable.js';
import type { RowList } from '../rowstore/rowStore.js';
import type { AcceptedAnswer, RejectedRow } from './api/answer.js';
import { forEachRecord } from './csv/csvRecords.js';

/** How many rejected rows the log names; the report lists up to REPORTED. */
const LOGGED = 5;
const REPORTED = 1000;

export interface ServiceFindings {
  /** Rows the service rejected. */
  rejectedCount: number;
  /** The rejected rows it named (at most REPORTED), for the report. */
  rejected: RejectedRow[];
  /** How many people the service says it disabled, if it says. */
  serviceDisabled?: number;
  /**
   * What the service holds of this push when it is not the whole file: the rows it accepted, with
   * the rejected rows it did not say which they were (still in `rows`), or `uncounted` when it
   * did not even say how many.
   */
  accepted?: { rows: RowList; unidentifiedRejections: number; uncounted?: true };
  /** What went wrong, one sentence each (exit 9 when any): for the log, the report and the notifications. */
  problems: string[];
  /** What to do about them. */
  hints: string[];
  /** What the operator should know although nothing went wrong. */
  notes: string[];
}

/**
 * `sent`: the rows and bytes uploaded; `predictedDisabled`: how many people roster said the push
 * would disable (undefined for a first push, which cannot know).
 */
export function serviceFindings(
  target: string,
  sent: { rows: RowList; bytes: Uint8Array },
  answer: AcceptedAnswer,
  predictedDisabled: number | undefined,
): ServiceFindings {
  const findings: ServiceFindings = { rejectedCount: answer.rejectedCount, rejected: answer.rejected.slice(0, REPORTED), problems: [], hints: [], notes: [] };
  if (answer.disabled !== undefined) findings.serviceDisabled = answer.disabled;
  if (answer.silent)
    findings.notes.push(
      `${target}: the service answered with an empty object: it said nothing about what it did with the file, so roster takes it as accepted`,
    );
  const { kept, strangers } = rowsKept(sent, answer.rejected);
  const identified = sent.rows.length - kept.length;
  // Rows of the file sent that the service rejected: those it named, and those it only counted
  // (its count less the rows it named that were never sent). No more than the file holds.
  const rejectedRows = Math.max(identified, Math.min(sent.rows.length, answer.rejectedCount - strangers.length));
  findings.rejectedCount = rejectedRows;
  const notSent =
    strangers.length === 0
      ? ''
      : `; it also names ${strangers.length} row${strangers.length === 1 ? '' : 's'} that ${strangers.length === 1 ? 'was' : 'were'} not in the file sent (${strangers
          .slice(0, LOGGED)
          .map(whereOf)
          .join(', ')}${strangers.length > LOGGED ? ', …' : ''}), which say nothing about it`;
  if (rejectedRows > 0) {
    const unidentifiedRejections = Math.min(kept.length, rejectedRows - identified);
    findings.accepted = { rows: kept, unidentifiedRejections };
    const listed = answer.rejected.slice(0, LOGGED).map((row) => `\n    ${describeRejected(row)}`);
    const more = listed.length > 0 && answer.rejected.length > listed.length ? `\n    … ${answer.rejected.length - listed.length} more in the run report` : '';
    const recorded =
      unidentifiedRejections === 0
        ? `the last push now records the ${kept.length} row${kept.length === 1 ? '' : 's'} it accepted`
        : `${unidentifiedRejections} of them the service did not name, so the last push records them too (the next run's predictions may be off by that many)`;
    findings.problems.push(
      `${target}: the service rejected ${rejectedRows} of ${sent.rows.length} rows: it did not take those people (and, as for anyone missing from a push, may have disabled those it held); ${recorded}${notSent}${listed.length > 0 ? ':' : ''}${listed.join('')}${more}`,
    );
    findings.hints.push(
      'Correct the rejected rows (usually a SITE the portal does not know) in the directory and run again: the last push holds only what the service accepted, so they are added then.',
    );
  } else if (answer.uncounted !== undefined) {
    findings.accepted = { rows: sent.rows, unidentifiedRejections: 0, uncounted: true };
    findings.problems.push(
      `${target}: the service's answer says ${answer.uncounted}, but it did not say which rows or how many: it may not have taken every row (and, as for anyone missing from a push, may have disabled those it held); the last push records the file as sent, and no SITE value counts as accepted by the service until a push it takes whole${notSent}`,
    );
    findings.hints.push(
      "Look in the portal (or ask iLobby) which rows it did not take; correct them (usually a SITE the portal does not know) and run again. Until the service takes a push whole, only the target's sites vouch for SITE values.",
    );
  } else if (strangers.length > 0) {
    findings.notes.push(`${target}: the service's answer names no row of the file sent as rejected${notSent}`);
  }
  if (answer.disabled !== undefined) {
    if (predictedDisabled === undefined) {
      if (answer.disabled > 0) findings.notes.push(`${target}: the service says it disabled ${people(answer.disabled)} (a first push cannot know how many)`);
    } else if (answer.disabled > predictedDisabled) {
      findings.problems.push(
        `${target}: the service says it disabled ${people(answer.disabled)}; roster predicted ${predictedDisabled}: it held people who were not in roster's last push (added in the portal by hand, or by another tool), or rejected rows`,
      );
      findings.hints.push('Look in the portal for the people disabled that were never in the directory; add those who should stay to the directory.');
    }
  }
  return findings;
}

/** `line 5, ada@example.org: "unknown SITE …"`: the service's words quoted, so they cannot act on a log or terminal. */
export function describeRejected(row: RejectedRow): string {
  return `${whereOf(row) || 'a row'}: ${row.message === '' ? '(no message)' : quoted(row.message)}`;
}

/** `line 5, "ada@example.org"`: where a rejected row is, as far as the service said. */
function whereOf(row: RejectedRow): string {
  return [row.line === undefined ? undefined : `line ${row.line}`, row.email === undefined ? undefined : quoted(row.email)]
    .filter((part) => part !== undefined)
    .join(', ');
}

/**
 * The sent rows minus those the answer names, by email or by the line of the file sent (the header
 * is line 1); and the rows it names that the file does not hold: an email not sent, a line past
 * the file's end. (A line inside the file that starts no record may be the service counting
 * records, not lines: that row is unknown, not a stranger.)
 */
function rowsKept(sent: { rows: RowList; bytes: Uint8Array }, rejected: readonly RejectedRow[]): { kept: RowList; strangers: RejectedRow[] } {
  if (rejected.length === 0) return { kept: sent.rows, strangers: [] };
  const emails = new Set(rejected.flatMap((row) => (row.email === undefined ? [] : [row.email])));
  const lines = new Set(rejected.flatMap((row) => (row.email === undefined && row.line !== undefined ? [row.line] : [])));
  const rejectedAt = new Set<number>();
  let lastLine = 1;
  if (lines.size > 0) {
    let position = -1; // the header is record -1
    const text = new TextDecoder().decode(sent.bytes).replace(/^\uFEFF/, '');
    forEachRecord(text, (_fields, line) => {
      if (lines.has(line) && position >= 0) rejectedAt.add(position);
      position += 1;
    });
    lastLine = text.replace(/\r?\n$/, '').split('\n').length;
  }
  const kept: number[] = [];
  const sentEmails = new Set<string>();
  for (let position = 0; position < sent.rows.length; position++) {
    const email = sent.rows.row(position).EMAIL;
    sentEmails.add(email);
    if (!rejectedAt.has(position) && !emails.has(email)) kept.push(position);
  }
  const strangers = rejected.filter((row) => (row.email !== undefined ? !sentEmails.has(row.email) : row.line !== undefined && row.line > lastLine));
  return { kept: sent.rows.at(kept), strangers };
}

function people(count: number): string {
  return `${count} ${count === 1 ? 'person' : 'people'}`;
}
