// Text log lines, emails and chat cards carry values from outside (directory attributes, file
// contents, service answers). A control character in one must not act on the terminal or the log
// file: a carriage return or an escape sequence can hide text, and a line break can forge what
// looks like a new log entry ("ERROR What to try: run roster sync --force"). Two layers:
// - where a value is put into a message (a guard's examples, a skip reason's), inline() or quoted()
//   escape every unsafe character, line breaks too: only roster's own text breaks lines;
// - the sinks (the logger, the notifier) pass every message through printable(), which escapes
//   the rest, so a value that reached a message some other way still cannot act on the reader.
// Pure.

/** C0 and C1 controls and DEL, invisible format characters (zero-width, bidi), line/paragraph separators, lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_EXCEPT_LINE_FEED = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  if (SHORT_ESCAPES[character] !== undefined) return SHORT_ESCAPES[character];
  let escaped = ''; // one \uXXXX per UTF-16 unit, as JSON writes it
  for (let i = 0; i < character.length; i++) escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/**
 * A log message as text lines: every unsafe character shown as an escape (`\r`, `\u0000`), and
 * every line after the first indented, so that only a real log entry starts at the line's beginning
 * (roster's own multi-line messages indent their continuation lines already).
 */
export function printableLines(text: string): string {
  return printable(text).replace(/\n(?![ \t])/g, '\n    ');
}

/** The text with every unsafe character but the line break shown as an escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE_EXCEPT_LINE_FEED, escapeCharacter);
}

/** Longest part of an outside value a message quotes (an attribute can hold 100,000 characters). */
export const QUOTED_LENGTH = 120;

/** A value from outside, quoted for a message: line breaks, quotes and backslashes escaped too; a long one cut. */
export function quoted(value: string): string {
  const shown = value.length > QUOTED_LENGTH ? value.slice(0, QUOTED_LENGTH) : value;
  const cut = value.length > QUOTED_LENGTH ? `… (${value.length} characters)` : '';
  return `"${shown.replace(/["\\]/g, '\\$&').replace(UNSAFE, escapeCharacter)}"${cut}`;
}

/**
 * A value from outside (a DN, a group's name, an example of a skipped entry) as part of a message,
 * unquoted: every unsafe character escaped, line breaks too; what is already escaped stays as it is.
 */
export function inline(value: string): string {
  return value.replace(UNSAFE, escapeCharacter);
}
