// The safety checks that stand between an extract and a push. Pure.
// Both services disable everyone missing from a push, so a partial or suspicious extract must
// never be sent. A threshold can be overridden with --force; an empty roster never can.
// The checks see counts and a few examples, not the rows: iLobby's rows and Officevibe's users
// and groups are all guarded by the same rules.
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
  safety: SafetyConfig;
  force: boolean;
}

export interface GuardVerdict {
  /** Why the push is refused even with --force. */
  fatal: string | undefined;
  /** Thresholds crossed; they refuse the push unless forced. */
  thresholds: string[];
  /** True when the push may go ahead. */
  allowed: boolean;
}

/** How many names a refusal shows; the full list is in the preview files. */
export const NAMES_SHOWN = 10;

export function evaluateGuards(input: GuardInput): GuardVerdict {
  const { rowCount, previousCount, disabled, safety, force } = input;
  if (rowCount === 0) {
    const disables = previousCount ? ` and would disable all ${previousCount} people of the last push` : '';
    return { fatal: `the extract has no rows: pushing it would leave the service empty${disables}`, thresholds: [], allowed: false };
  }
  const thresholds: string[] = [];
  if (rowCount < safety.minRows) thresholds.push(`the extract has ${rowCount} rows, fewer than safety.minRows (${safety.minRows})`);
  thresholds.push(...removalThresholds({ noun: 'people', fate: 'disabled' }, disabled, previousCount, safety));
  return verdict(thresholds, force);
}

/** The verdict on thresholds crossed: refused unless forced. */
export function verdict(thresholds: string[], force: boolean): GuardVerdict {
  return { fatal: undefined, thresholds, allowed: thresholds.length === 0 || force };
}

/**
 * The disable thresholds (safety.maxDisableCount, safety.maxDisablePercent of the last push)
 * applied to whatever a push removes: people, or Officevibe's groups.
 */
export function removalThresholds(
  what: { noun: string; fate: string }, removed: Removal, previousCount: number | undefined, safety: SafetyConfig,
): string[] {
  const { count } = removed;
  if (previousCount === undefined || previousCount === 0 || count === 0) return [];
  const shown = removed.examples.slice(0, NAMES_SHOWN);
  const names = `${shown.join(', ')}${count > shown.length ? `, … (${count - shown.length} more)` : ''}`;
  const thresholds: string[] = [];
  if (count > safety.maxDisableCount) {
    thresholds.push(`${count} ${what.noun} would be ${what.fate}, more than safety.maxDisableCount (${safety.maxDisableCount}): ${names}`);
  }
  const percent = (count / previousCount) * 100;
  if (percent > safety.maxDisablePercent) {
    thresholds.push(`${count} of the ${previousCount} ${what.noun} in the last push (${percent.toFixed(1)}%) would be ${what.fate}, more than safety.maxDisablePercent (${safety.maxDisablePercent}%): ${names}`);
  }
  return thresholds;
}
