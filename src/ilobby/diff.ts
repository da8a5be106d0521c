// What a push would change in the service, compared with the last successful push. Pure.
// Both services upsert by EMAIL and disable every person missing from the file.
import { COLUMNS } from '../mapping/fields.js';
import type { Row } from '../mapping/mapRecord.js';
import type { RowList } from '../rowstore/rowStore.js';

export interface RosterChanges {
  /** Part of the current rows, not a copy: on a first push, all of them. */
  added: RowList;
  changed: { before: Row; after: Row; columns: string[] }[];
  /** People in the last push who are missing now: the service will disable them. */
  disabled: Row[];
  unchanged: number;
}

/**
 * Walks both lists in EMAIL order side by side (EMAIL lower-cased, as the services match it), so
 * neither is ever held as objects: only the rows that differ become Row objects. `previous` is
 * undefined before the first push: then every row is added.
 */
export function diffRows(previous: RowList | undefined, current: RowList): RosterChanges {
  if (previous === undefined || previous.length === 0) return { added: current, changed: [], disabled: [], unchanged: 0 };
  const before = previous.byEmail();
  const now = current.byEmail();
  const changes: RosterChanges = { added: now, changed: [], disabled: [], unchanged: 0 };
  const addedAt: number[] = [];
  let i = 0;
  let j = 0;
  while (i < now.length || j < before.length) {
    const order = i === now.length ? 1 : j === before.length ? -1 : now.compareEmails(i, before, j);
    if (order < 0) {
      addedAt.push(i++);
    } else if (order > 0) {
      changes.disabled.push(before.row(j++));
    } else {
      if (now.sameRow(i, before, j)) {
        changes.unchanged += 1;
      } else {
        const [old, row] = [before.row(j), now.row(i)];
        const columns = COLUMNS.filter((column) => old[column] !== row[column]);
        if (columns.length > 0) changes.changed.push({ before: old, after: row, columns });
        else changes.unchanged += 1;
      }
      i++;
      j++;
    }
  }
  changes.added = now.at(addedAt);
  return changes;
}
