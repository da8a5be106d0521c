// Where a JSON text goes wrong, and why, in words a tired administrator can act on: a line and a
// column whatever Node.js's own message says (some of its messages give no position at all), and
// the usual causes named: a trailing comma, a comment, a Windows path whose backslashes JSON read
// as escapes. Only called once JSON.parse has failed. Pure.

export interface JsonSyntaxError {
  line: number;
  column: number;
  problem: string;
  /** A backslash JSON does not accept (`"C:\roster"`): the usual Windows-path mistake. */
  badEscape: boolean;
}

/** Windows paths in JSON: what to write instead. */
export const BACKSLASH_HINT =
  'In JSON a backslash starts an escape (\\n, \\t, \\\\): write Windows paths with \\\\ or / (e.g. "C:\\\\roster\\\\state" or "C:/roster/state").';

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
    readonly badEscape = false,
  ) {
    super(problem);
  }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++;
  };
  const what = () => (at >= text.length ? 'the end of the file' : `"${text[at]}"`);
  const value = (context: string): void => {
    space();
    const c = text[at];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '/') throw new Stop(at, 'a comment: JSON has none (a "$comment" key can hold one)');
    const literal = /^(true|false|null)/.exec(text.slice(at, at + 5));
    if (literal) {
      at += literal[0].length;
      return;
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (number) {
      at += number[0].length;
      return;
    }
    if (c === "'") throw new Stop(at, 'a single quote: JSON strings take double quotes');
    const word = /^[A-Za-z_][\w.-]*/.exec(text.slice(at, at + 80))?.[0];
    if (word !== undefined) throw new Stop(at, `expected ${context}, found ${word} (text must be in double quotes)`);
    throw new Stop(at, `expected ${context}, found ${what()}`);
  };
  const list = (close: string, item: () => void, name: string) => {
    at++; // the opening { or [
    space();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[at] === ',') {
        const comma = at++;
        space();
        if (text[at] === close) throw new Stop(comma, `a trailing comma before "${close}": JSON allows none`);
        continue;
      }
      if (text[at] === close) {
        at++;
        return;
      }
      throw new Stop(at, `expected "," or "${close}" after ${name}, found ${what()} (a missing comma?)`);
    }
  };
  const object = () =>
    list(
      '}',
      () => {
        if (text[at] !== '"') {
          if (text[at] === '/') throw new Stop(at, 'a comment: JSON has none (a "$comment" key can hold one)');
          throw new Stop(at, `expected a key in double quotes, found ${what()}`);
        }
        string();
        space();
        if (text[at] !== ':') throw new Stop(at, `expected ":" after the key, found ${what()}`);
        at++;
        value('a value');
      },
      "a key's value",
    );
  const array = () => list(']', () => value('a value'), 'a list item');
  const string = () => {
    const start = at;
    at++;
    for (;;) {
      if (at >= text.length) throw new Stop(start, 'a string that is never closed (a missing ")');
      const c = text[at]!;
      if (c === '"') {
        at++;
        return;
      }
      if (c === '\n' || c === '\r') throw new Stop(at, 'a line break inside a string (a missing " at the end of the line?)');
      if (c < ' ') throw new Stop(at, `a control character (U+${c.charCodeAt(0).toString(16).padStart(4, '0')}) inside a string`);
      if (c === '\\') {
        const next = text[at + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) at += 2;
        else throw new Stop(at, `a backslash JSON does not accept: "\\${next ?? ''}"`, true);
        continue;
      }
      at++;
    }
  };
  try {
    if (text.trim() === '') throw new Stop(0, 'the file is empty');
    value('a value');
    space();
    if (at < text.length) throw new Stop(at, `unexpected ${what()} after the end of the JSON (an extra "}" or "]"?)`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.offset), problem: error.problem, badEscape: error.badEscape };
  }
}

/** 1-based, as editors count; the column in characters. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
