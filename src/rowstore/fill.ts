// The fill table: for each CSV column, how many rows have a value. A column that is empty on
// every row, or on most, is the mark of a wrong mapping (an attribute this directory leaves empty,
// a typo) that would otherwise pass in silence: an empty field is sent, and nothing fails. Pure.
import { COLUMNS, type Column, type FieldMapping, type FieldRule } from '../mapping/fields.js';

/**
 * A column empty on more than this share of the rows is "mostly empty" and warned about. 90%:
 * a column the directory fills for one person in ten is worth a look; sparse but real data
 * (mobile numbers for a third of the staff) is not.
 */
export const MOSTLY_EMPTY_PERCENT = 90;

export interface ColumnFill {
  column: Column;
  filled: number;
  /** Where the column comes from ("givenName", "mail, userPrincipalName", "the value …"); undefined when not mapped. */
  source: string | undefined;
  /** Set for a mapped column that is empty on every row or on most rows. */
  warning: string | undefined;
}

export function columnFill(filled: Record<Column, number>, rows: number, mapping: FieldMapping): ColumnFill[] {
  return COLUMNS.map((column) => {
    const rule = mapping.find((r) => r.column === column);
    const source = rule === undefined ? undefined : sourceOf(rule);
    const count = filled[column];
    return { column, filled: count, source, warning: rule === undefined ? undefined : emptiness(count, rows) };
  });
}

function emptiness(filled: number, rows: number): string | undefined {
  if (rows === 0) return undefined;
  if (filled === 0) return 'empty on every row';
  const emptyPercent = ((rows - filled) / rows) * 100;
  return emptyPercent > MOSTLY_EMPTY_PERCENT ? `empty on ${rows - filled} of ${rows} rows` : undefined;
}

function sourceOf(rule: FieldRule): string {
  return rule.value !== undefined ? `the value "${rule.value}"` : rule.attributes.join(', ');
}

/** The table, one line per column: name, rows with a value, percent, where it comes from, any warning. */
export function describeFill(fill: readonly ColumnFill[], rows: number): string {
  const width = String(rows).length;
  const lines = fill.map(({ column, filled, source, warning }) => {
    if (source === undefined) return `  ${column.padEnd(9)} ${'-'.padStart(width)}        not mapped`;
    const percent = rows === 0 ? 0 : Math.floor((filled / rows) * 100);
    return `  ${column.padEnd(9)} ${String(filled).padStart(width)} ${`${percent}%`.padStart(4)}   ${source}${warning === undefined ? '' : `   <- ${warning}`}`;
  });
  return [`rows with a value, per column (of ${rows}):`, ...lines].join('\n');
}

/** One sentence per column worth a warning, saying what to look at. */
export function fillWarnings(fill: readonly ColumnFill[], fieldsFile: string): string[] {
  return fill.filter((c) => c.warning !== undefined).map((c) => `${c.column} is ${c.warning} (from ${c.source}, in ${fieldsFile})`);
}
