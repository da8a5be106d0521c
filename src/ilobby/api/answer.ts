// What the upload endpoint's 2xx answer says, read whole. Pure.
//
// A proxy, captive portal or sign-in page in front of the service can answer 200 with a page that
// accepted nothing; taken for a success it would become the baseline of the next run's checks.
// And the service itself can answer 200 while rejecting rows (a SITE the portal does not know):
// the people of those rows are then not in the address book, and those it held are disabled.
//
// iLobby does not publish the answer's format (its own script only prints it), so it is read
// liberally, in the answer object and in any object one level down:
// - it names an error (a failed upload, exit 6): `error` or `errorCode` with a value that is not
//   a "no error" word ("0", "none", "ok"), a `responseStatus` with an `errorCode` (as ServiceStack
//   services answer), `success: false` (or "false"), or a `status` such as "failed" or "blocked";
// - rows were rejected: a key containing error, fail, reject or invalid (any case) holding a
//   non-empty list or a positive number (or one written as text, "3"); list items name a line,
//   an email and a message. Text there ("Row 3: unknown site"), or a `status` that names errors
//   or a partial success ("completed_with_errors"), says rows were rejected without saying which
//   or how many;
// - the service's own count of people it disabled: a number (or a list of them) under a key
//   containing disabled or deactivated.
import type { IncomingHttpHeaders } from 'node:http';

export interface RejectedRow {
  /** The line of the file sent (the header is line 1), when the service says. */
  line?: number;
  email?: string;
  /** The service's words for it ('' when it gave none). */
  message: string;
}

export interface AcceptedAnswer {
  /** How many rows the service rejected: the largest count it gave, or the rows it listed. */
  rejectedCount: number;
  /** The rejected rows it listed. */
  rejected: RejectedRow[];
  /** How many people the service says it disabled, if it says. */
  disabled?: number;
  /**
   * The service said rows were rejected without counting them (a status "completed_with_errors",
   * an errors text): what it said, as `key: "value"`.
   */
  uncounted?: string;
  /** An empty object: the service said nothing about what it did. */
  silent: boolean;
}

/** Not accepted: `problem` says why; `fromService` when the service itself answered that it failed (not a page in front of it). */
export type UploadAnswer = { accepted: false; problem: string; fromService: boolean } | ({ accepted: true } & AcceptedAnswer);

type JsonObject = Record<string, unknown>;

const REJECTION_KEY = /error|fail|reject|invalid/i;
const DISABLED_KEY = /disabled|deactivated/i;
const ERROR_KEY = /^error(_?code|_?message|_?description)?$/i;
const SUCCESS_KEY = /^(is_?)?success(ful)?$|^succeeded$/i;
const FAILED_STATUS = /^(fail(ed|ure)?|error|blocked|rejected|refused|denied|aborted|cancell?ed)$/i;
/** A status that is not a failure of the whole upload but says some of it went wrong. */
const PROBLEM_STATUS = /error|fail|reject|invalid|partial/i;
const STATUS_KEY = /^status$/i;
/** What a service writes in an error field when there is no error. */
const NO_ERROR = /^(0|none|null|ok|success|false|no_?errors?)$/i;
const COUNT_TEXT = /^\d+$/;
const LINE_KEY = /^(line|row)(_?(number|no))?$|^index$/i;
const EMAIL_KEY = /^e-?mail(_?address)?$/i;
const MESSAGE_KEY = /message|reason|error|description|detail/i;
const EMAIL_LIKE = /^[^@\s]+@[^@\s]+$/;
const MESSAGE_LENGTH = 200;

export function readUploadAnswer(headers: IncomingHttpHeaders, body: Buffer): UploadAnswer {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  const text = body
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  const failed = (problem: string, fromService = false): UploadAnswer => ({ accepted: false, problem, fromService });
  if (text === '') return failed('an empty answer');
  if (type.includes('html') || /^<(!doctype|html|head|body)\b/i.test(text)) return failed("an HTML page, not the service's JSON answer");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return failed(`not JSON (${type || 'no content type'})`);
  }
  if (!isObject(json)) return failed("JSON, but not the service's answer object");
  const levels = [json, ...Object.values(json).filter(isObject)];
  for (const level of levels) {
    const problem = namedError(level);
    if (problem !== undefined) return failed(problem, true);
  }
  const counts: number[] = [];
  const rows = new Map<string, RejectedRow>();
  let disabled: number | undefined;
  let uncounted: string | undefined;
  for (const level of levels) {
    for (const [key, value] of Object.entries(level)) {
      if (DISABLED_KEY.test(key)) {
        const count = Array.isArray(value) ? value.length : countOf(value);
        if (count !== undefined) disabled = Math.max(disabled ?? 0, count);
      }
      if (STATUS_KEY.test(key) && typeof value === 'string' && PROBLEM_STATUS.test(value)) uncounted ??= `${key} ${JSON.stringify(value)}`;
      if (!REJECTION_KEY.test(key)) continue;
      const count = countOf(value);
      if (count !== undefined && count > 0) counts.push(count);
      else if (typeof value === 'string' && count === undefined && !NO_ERROR.test(value.trim()) && value.trim() !== '') {
        uncounted ??= `${key}: ${JSON.stringify(short(value.trim()))}`;
      }
      if (Array.isArray(value) && value.length > 0) {
        counts.push(value.length);
        for (const item of value) {
          const row = rejectedRow(item);
          rows.set(`${row.line ?? ''}\n${row.email ?? ''}\n${row.message}`, row);
        }
      }
    }
  }
  const rejected = [...rows.values()];
  return {
    accepted: true,
    rejectedCount: Math.max(0, rejected.length, ...counts),
    rejected,
    ...(disabled === undefined ? {} : { disabled }),
    ...(uncounted === undefined ? {} : { uncounted }),
    silent: Object.keys(json).length === 0,
  };
}

/** A count: a non-negative integer, or one written as text ("3"), as some services serialise numbers. */
function countOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && COUNT_TEXT.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Why this object says the upload failed, or undefined. */
function namedError(object: JsonObject): string | undefined {
  for (const [key, value] of Object.entries(object)) {
    if (ERROR_KEY.test(key) && isError(value)) return `an error answer (${key})`;
    if (/^responseStatus$/i.test(key) && isObject(value)) {
      const code = Object.entries(value).find(([name]) => /^errorCode$/i.test(name))?.[1];
      if (isError(code) && !isObject(code)) return `an error answer (responseStatus.errorCode ${JSON.stringify(code)})`;
    }
    if (SUCCESS_KEY.test(key) && (value === false || (typeof value === 'string' && /^false$/i.test(value.trim())))) {
      return `an answer saying ${key}: ${JSON.stringify(value)}`;
    }
    if (STATUS_KEY.test(key) && typeof value === 'string' && FAILED_STATUS.test(value.trim())) return `an answer with status ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** Whether an error field's value names an error: text other than a "no error" word, a non-zero number, true, an object. */
function isError(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '' && !NO_ERROR.test(value.trim());
  if (typeof value === 'number') return value !== 0;
  return value === true || isObject(value);
}

/** One item of a list of rejected rows: an object naming its line, email and message; a line number; an email; or a message. */
function rejectedRow(item: unknown): RejectedRow {
  if (typeof item === 'number' && Number.isInteger(item) && item > 0) return { line: item, message: '' };
  if (typeof item === 'string') return EMAIL_LIKE.test(item.trim()) ? { email: item.trim().toLowerCase(), message: '' } : { message: short(item) };
  if (!isObject(item)) return { message: short(JSON.stringify(item) ?? '') };
  const row: RejectedRow = { message: '' };
  for (const [key, value] of Object.entries(item)) {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
    if (row.line === undefined && LINE_KEY.test(key) && number !== undefined && Number.isInteger(number) && number > 0) row.line = number;
    else if (row.email === undefined && EMAIL_KEY.test(key) && typeof value === 'string' && value.trim() !== '') row.email = value.trim().toLowerCase();
    else if (row.message === '' && MESSAGE_KEY.test(key) && typeof value === 'string') row.message = short(value);
  }
  if (row.line === undefined && row.email === undefined && row.message === '') row.message = short(JSON.stringify(item));
  return row;
}

function short(text: string): string {
  return text.length > MESSAGE_LENGTH ? `${text.slice(0, MESSAGE_LENGTH)}…` : text;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
