// A small strict reader for JSON configuration: every key read is remembered so that the
// keys nobody read can be reported as unknown, and every problem names the key's full path
// (e.g. `directory.searchBases[1]`). Problems are collected, not thrown one at a time, so a
// sysadmin fixes a config file in one pass.

import { BACKSLASH_HINT } from './jsonSyntax.js';

/** How JSON writes the control characters a backslash in a Windows path turns into. */
const ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON has no comments, so an object in config.json or fields.config.json may carry a
 * "$comment" (a string or a list of strings) that roster never reads (`roster init` writes them).
 */
export const COMMENT_KEY = '$comment';

/** Why a "$comment" value is not a string or a list of strings, or undefined when it is fine. */
export function commentProblem(value: Json): string | undefined {
  if (typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'))) return undefined;
  return `must be a string or a list of strings (a comment), found ${describe(value)}`;
}

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ObjectReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly path: string,
    private readonly object: Record<string, Json>,
    readonly problems: Problems,
  ) {}

  /** Reads `path` as an object, or reports it; returns a reader over an empty object on failure. */
  static of(path: string, value: unknown, problems: Problems): ObjectReader {
    if (isObject(value)) return new ObjectReader(path, value, problems);
    problems.add(path || '(top level)', `must be an object, found ${describe(value)}`);
    return new ObjectReader(path, {}, problems);
  }

  keyPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.object, key) && this.object[key] !== undefined;
  }

  raw(key: string): Json | undefined {
    this.seen.add(key);
    return Object.hasOwn(this.object, key) ? this.object[key] : undefined;
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return this.withoutControls(this.keyPath(key), value);
    this.problems.add(this.keyPath(key), `must be a non-empty string, found ${describe(value)}`);
    return undefined;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined && !this.problems.list.some((p) => p.startsWith(`${this.keyPath(key)}:`))) {
      this.problems.add(this.keyPath(key), 'is required');
    }
    return value ?? '';
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.problems.add(this.keyPath(key), `must be true or false, found ${describe(value)}`);
    return fallback;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problems.add(this.keyPath(key), `must be a whole number from ${min} to ${max}, found ${describe(value)}`);
    return fallback;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    this.problems.add(this.keyPath(key), `must be a number from ${min} to ${max}, found ${describe(value)}`);
    return fallback;
  }

  /** A string or a list of strings, always returned as a list. */
  stringList(key: string, options: { allowSingle?: boolean } = {}): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (options.allowSingle && typeof value === 'string' && value.trim() !== '') return [this.withoutControls(this.keyPath(key), value)];
    if (Array.isArray(value) && value.length > 0) {
      const strings: string[] = [];
      value.forEach((item, index) => {
        if (typeof item === 'string' && item.trim() !== '') strings.push(this.withoutControls(`${this.keyPath(key)}[${index}]`, item));
        else this.problems.add(`${this.keyPath(key)}[${index}]`, `must be a non-empty string, found ${describe(item)}`);
      });
      return strings;
    }
    this.problems.add(this.keyPath(key), `must be ${options.allowSingle ? 'a string or ' : ''}a non-empty list of strings, found ${describe(value)}`);
    return undefined;
  }

  /**
   * A setting never holds a control character: one there came from a JSON escape, almost always a
   * Windows path whose backslashes JSON read as escapes ("C:\roster\temp" holds \r and \t).
   */
  private withoutControls(path: string, value: string): string {
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    const control = /[\u0000-\u001f\u007f]/.exec(value);
    if (control === null) return value;
    const shown = ESCAPES[control[0]] ?? `\\u${control[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
    this.problems.add(path, `holds a control character (${shown}, from a backslash in the file): ${BACKSLASH_HINT}`);
    return value;
  }

  /** The keys never read so far (a "$comment" counts as read). */
  unreadKeys(): string[] {
    this.seen.add(COMMENT_KEY);
    return Object.keys(this.object).filter((key) => !this.seen.has(key));
  }

  /**
   * Reports every key that was never read, with `hints` for keys people commonly get wrong.
   * A "$comment" is always allowed (checked only for its type).
   */
  rejectUnknown(hints: Record<string, string> = {}): void {
    const comment = this.raw(COMMENT_KEY);
    const problem = comment === undefined ? undefined : commentProblem(comment);
    if (problem !== undefined) this.problems.add(this.keyPath(COMMENT_KEY), problem);
    for (const key of Object.keys(this.object)) {
      if (this.seen.has(key)) continue;
      this.problems.add(this.keyPath(key), hints[key] ?? 'unknown key (check its spelling and case)');
    }
  }
}
