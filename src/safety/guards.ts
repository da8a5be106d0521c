// The safety checks that stand between an extract and a push. Pure.
// Both services disable everyone missing from a push, so a partial or suspicious extract must
// never be sent. A threshold can be overridden with --force; an empty roster never can.
// The checks see counts and a few examples, not the rows: iLobby's rows and Officevibe's users
// and groups are all guarded by the same rules. Changes are guarded as well as disables: a
// mapping that moves or blanks a column for everyone disables nobody, yet it is just as wrong.
import type { SafetyConfig } from '../config/types.js';

/** Things a push would take away from the service: how many, and the first few by name. */
export interface Removal {
  count: number;
  /** The first few, as an operator knows them (an EMAIL, a group's name). */
  examples: readonly string[];
}

export interface GuardInput {
  rowCount: number;
  /** Rows in the last successful push; undefined when there was none. */
  previousCount: number | undefined;
  /** People in the last push who are missing now: the service will disable them. */
  disabled: Removal;
  /** What would change for the people kept; undefined before a first push. */
  changed?: ColumnChanges;
  safety: SafetyConfig;
  force: boolean;
  /** --first-push: the operator knows there is no earlier push to compare with. */
  firstPush: boolean;
}

/** What a push would change for the people it keeps (those in both pushes). */
export interface ColumnChanges {
  kept: number;
  /** Kept people with at least one column changed. */
  changed: number;
  /** Columns with changes, most changed first. */
  columns: ColumnChange[];
}

export interface ColumnChange {
  column: string;
  /** Kept people whose value changed. */
  changed: number;
  /** Kept people whose value was filled and is now empty. */
  emptied: number;
  /** A few, as `name: "before" → "after"`. */
  examples: string[];
}

export interface GuardVerdict {
  /** Why the push is refused even with --force. */
  fatal: string | undefined;
  /** No earlier push to compare with, and no --first-push: refused whatever the thresholds say. */
  firstPushRefused: boolean;
  /** Thresholds crossed; they refuse the push unless forced. */
  thresholds: string[];
  /** True when the push may go ahead. */
  allowed: boolean;
}

/** What a first push means; said when it is refused and when it is made. */
export function firstPushWarning(entry: string): string {
  return `there is no earlier push to compare with: the service will disable every ${entry} it holds that is not in this push, and roster cannot know how many that is`;
}

/** What a first push says instead of a count of people it disables: it cannot know. */
export const UNKNOWN_BEFORE_FIRST_PUSH = 'unknown (no earlier push)';

/** How many names a refusal shows; the full list is in the preview files. */
export const NAMES_SHOWN = 10;

const CHANGE_EXAMPLES = 3;

export function evaluateGuards(input: GuardInput): GuardVerdict {
  const { rowCount, previousCount, disabled, safety, force } = input;
  if (rowCount === 0) {
    const disables = previousCount ? ` and would disable all ${previousCount} people of the last push` : '';
    return { fatal: `the extract has no rows: pushing it would leave the service empty${disables}`, firstPushRefused: false, thresholds: [], allowed: false };
  }
  const thresholds: string[] = [];
  if (rowCount < safety.minRows) thresholds.push(`the extract has ${rowCount} rows, fewer than safety.minRows (${safety.minRows})`);
  thresholds.push(...removalThresholds({ noun: 'people', fate: 'disabled' }, disabled, previousCount, safety));
  if (input.changed !== undefined) thresholds.push(...changeThresholds(input.changed, safety));
  return verdict(thresholds, force, previousCount === undefined && !input.firstPush);
}

/** The verdict on thresholds crossed: refused unless forced; a first push only with --first-push. */
export function verdict(thresholds: string[], force: boolean, firstPushRefused: boolean): GuardVerdict {
  return { fatal: undefined, firstPushRefused, thresholds, allowed: !firstPushRefused && (thresholds.length === 0 || force) };
}

/**
 * The change thresholds: more than safety.maxChangePercent of the people kept with a column
 * changed, or a column emptied for most of them (a misspelt attribute, a moved OU attribute).
 */
export function changeThresholds(changes: ColumnChanges, safety: SafetyConfig): string[] {
  const { kept, changed, columns } = changes;
  if (kept === 0) return [];
  const thresholds: string[] = [];
  const percent = (changed / kept) * 100;
  const describe = (c: ColumnChange) => `${c.column} for ${c.changed} (e.g. ${c.examples.join('; ')})`;
  if (percent > safety.maxChangePercent) {
    thresholds.push(
      `${changed} of the ${kept} people kept (${percent.toFixed(1)}%) would have a column changed, more than safety.maxChangePercent (${safety.maxChangePercent}%): ${columns.map(describe).join(', ')}`,
    );
  }
  for (const column of columns) {
    if (column.emptied * 2 > kept) {
      thresholds.push(
        `${column.column} would be emptied for ${column.emptied} of the ${kept} people kept (${((column.emptied / kept) * 100).toFixed(1)}%): e.g. ${column.examples.join('; ')}`,
      );
    }
  }
  return thresholds;
}

/** Counts the changes of the people kept, per column, with a few examples each. */
export function columnChanges<T>(
  changed: readonly { before: T; after: T; columns: readonly string[] }[],
  kept: number,
  guarded: readonly (keyof T & string)[],
  name: (person: T) => string,
): ColumnChanges {
  const byColumn = new Map<string, ColumnChange>(guarded.map((column) => [column, { column, changed: 0, emptied: 0, examples: [] }]));
  let people = 0;
  for (const { before, after, columns } of changed) {
    let counted = false;
    for (const column of columns) {
      const entry = byColumn.get(column);
      if (entry === undefined) continue; // not guarded (an EMAIL in another case, an id)
      const [old, now] = [String(before[column as keyof T] ?? ''), String(after[column as keyof T] ?? '')];
      entry.changed += 1;
      if (old !== '' && now === '') entry.emptied += 1;
      if (entry.examples.length < CHANGE_EXAMPLES) entry.examples.push(`${name(after)}: "${old}" → "${now}"`);
      counted = true;
    }
    if (counted) people += 1;
  }
  const columns = [...byColumn.values()].filter((c) => c.changed > 0).sort((a, b) => b.changed - a.changed);
  return { kept, changed: people, columns };
}

/**
 * The disable thresholds (safety.maxDisableCount, safety.maxDisablePercent of the last push)
 * applied to whatever a push removes: people, or Officevibe's groups.
 */
export function removalThresholds(what: { noun: string; fate: string }, removed: Removal, previousCount: number | undefined, safety: SafetyConfig): string[] {
  const { count } = removed;
  if (previousCount === undefined || previousCount === 0 || count === 0) return [];
  const shown = removed.examples.slice(0, NAMES_SHOWN);
  const names = `${shown.join(', ')}${count > shown.length ? `, … (${count - shown.length} more)` : ''}`;
  const thresholds: string[] = [];
  if (count > safety.maxDisableCount) {
    thresholds.push(`${count} ${what.noun} would be ${what.fate}, more than safety.maxDisableCount (${safety.maxDisableCount})`);
  }
  const percent = (count / previousCount) * 100;
  if (percent > safety.maxDisablePercent) {
    thresholds.push(
      `${count} of the ${previousCount} ${what.noun} in the last push (${percent.toFixed(1)}%) would be ${what.fate}, more than safety.maxDisablePercent (${safety.maxDisablePercent}%)`,
    );
  }
  // The names once, on the first line: a tired reader should not find them twice.
  if (thresholds.length > 0) thresholds[0] = `${thresholds[0]}: ${names}`;
  return thresholds;
}
