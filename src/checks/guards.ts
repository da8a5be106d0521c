// The safety checks that stand between an extract and a push. Pure.
// Both services disable everyone missing from a push, so a partial or suspicious extract must
// never be sent. A threshold can be overridden with --force; an empty roster never can.
import type { SafetyConfig } from '../config/types.js';
import type { RosterChanges } from './diff.js';

export interface GuardInput {
  rowCount: number;
  /** Rows in the last successful push; undefined when there was none. */
  previousCount: number | undefined;
  changes: RosterChanges;
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

const NAMES_SHOWN = 10;

export function evaluateGuards(input: GuardInput): GuardVerdict {
  const { rowCount, previousCount, changes, safety, force } = input;
  if (rowCount === 0) {
    const disables = previousCount ? ` and would disable all ${previousCount} people of the last push` : '';
    return { fatal: `the extract has no rows: pushing it would leave the service empty${disables}`, thresholds: [], allowed: false };
  }
  const thresholds: string[] = [];
  if (rowCount < safety.minRows) thresholds.push(`the extract has ${rowCount} rows, fewer than safety.minRows (${safety.minRows})`);
  const disabled = changes.disabled.length;
  if (previousCount !== undefined && previousCount > 0 && disabled > 0) {
    const percent = (disabled / previousCount) * 100;
    const names = `${changes.disabled.slice(0, NAMES_SHOWN).map((row) => row.EMAIL).join(', ')}${disabled > NAMES_SHOWN ? `, … (${disabled - NAMES_SHOWN} more)` : ''}`;
    if (disabled > safety.maxDisableCount) {
      thresholds.push(`${disabled} people would be disabled, more than safety.maxDisableCount (${safety.maxDisableCount}): ${names}`);
    }
    if (percent > safety.maxDisablePercent) {
      thresholds.push(`${disabled} of the ${previousCount} people in the last push (${percent.toFixed(1)}%) would be disabled, more than safety.maxDisablePercent (${safety.maxDisablePercent}%): ${names}`);
    }
  }
  return { fatal: undefined, thresholds, allowed: thresholds.length === 0 || force };
}
