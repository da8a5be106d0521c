// What a push would change in the service, compared with the last successful push. Pure.
// Both services upsert by EMAIL and disable every person missing from the file.
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';
import type { RowList } from '../rows/rowStore.js';

export interface RosterChanges {
  /** Part of the current rows, not a copy: on a first push, all of them. */
  added: RowList;
  changed: { before: Row; after: Row; columns: string[] }[];
  /** People in the last push who are missing now: the service will disable them. */
  disabled: Row[];
  unchanged: number;
}

export function diffRows(previous: readonly Row[], current: RowList): RosterChanges {
  if (previous.length === 0) return { added: current, changed: [], disabled: [], unchanged: 0 };
  const before = new Map(previous.map((row) => [row.EMAIL.toLowerCase(), row]));
  const changes: RosterChanges = { added: current.at([]), changed: [], disabled: [], unchanged: 0 };
  const addedAt: number[] = [];
  const seen = new Set<string>();
  let position = -1;
  for (const row of current) {
    position += 1;
    const email = row.EMAIL.toLowerCase();
    seen.add(email);
    const old = before.get(email);
    if (old === undefined) {
      addedAt.push(position);
      continue;
    }
    const columns = COLUMNS.filter((column) => old[column] !== row[column]);
    if (columns.length > 0) changes.changed.push({ before: old, after: row, columns });
    else changes.unchanged += 1;
  }
  for (const [email, row] of before) if (!seen.has(email)) changes.disabled.push(row);
  changes.added = current.at(addedAt);
  return changes;
}
