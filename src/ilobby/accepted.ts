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
  /** What the service holds of this push when it is not the whole file: the rows it accepted. */
  accepted?: { rows: RowList; unidentifiedRejections: number };
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
  if (answer.rejectedCount > 0) {
    const kept = rowsKept(sent, answer.rejected);
    const identified = sent.rows.length - kept.length;
    const unidentifiedRejections = Math.max(0, answer.rejectedCount - identified);
    findings.accepted = { rows: kept, unidentifiedRejections };
    const listed = answer.rejected.slice(0, LOGGED).map((row) => `\n    ${describeRejected(row)}`);
    const more = listed.length > 0 && answer.rejected.length > listed.length ? `\n    … ${answer.rejected.length - listed.length} more in the run report` : '';
    const recorded =
      unidentifiedRejections === 0
        ? `the last push now records the ${kept.length} row${kept.length === 1 ? '' : 's'} it accepted`
        : `${unidentifiedRejections} of them the service did not name, so the last push records them too (the next run's predictions may be off by that many)`;
    findings.problems.push(
      `${target}: the service rejected ${answer.rejectedCount} of ${sent.rows.length} rows: it did not take those people (and, as for anyone missing from a push, may have disabled those it held); ${recorded}${listed.length > 0 ? ':' : ''}${listed.join('')}${more}`,
    );
    findings.hints.push(
      'Correct the rejected rows (usually a SITE the portal does not know) in the directory and run again: the last push holds only what the service accepted, so they are added then.',
    );
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
  const where = [row.line === undefined ? undefined : `line ${row.line}`, row.email === undefined ? undefined : quoted(row.email)].filter(
    (part) => part !== undefined,
  );
  return `${where.length === 0 ? 'a row' : where.join(', ')}: ${row.message === '' ? '(no message)' : quoted(row.message)}`;
}

/** The sent rows minus those the answer names, by email or by the line of the file sent (the header is line 1). */
function rowsKept(sent: { rows: RowList; bytes: Uint8Array }, rejected: readonly RejectedRow[]): RowList {
  const emails = new Set(rejected.flatMap((row) => (row.email === undefined ? [] : [row.email])));
  const lines = new Set(rejected.flatMap((row) => (row.email === undefined && row.line !== undefined ? [row.line] : [])));
  const rejectedAt = new Set<number>();
  if (lines.size > 0) {
    let position = -1; // the header is record -1
    const text = new TextDecoder().decode(sent.bytes).replace(/^\uFEFF/, '');
    forEachRecord(text, (_fields, line) => {
      if (lines.has(line) && position >= 0) rejectedAt.add(position);
      position += 1;
    });
  }
  const kept: number[] = [];
  for (let position = 0; position < sent.rows.length; position++) {
    if (!rejectedAt.has(position) && !emails.has(sent.rows.row(position).EMAIL)) kept.push(position);
  }
  return sent.rows.at(kept);
}

function people(count: number): string {
  return `${count} ${count === 1 ? 'person' : 'people'}`;
}
