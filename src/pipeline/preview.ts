// What a push of these rows would change, per target, against the last successful push.
import type { RosterConfig } from '../config/types.js';
import { diffRows } from '../checks/diff.js';
import type { Row } from '../mapping/mapRecord.js';
import { readLastPush } from '../state/store.js';

const SHOWN = 5;

export function describeChanges(config: RosterConfig, rows: readonly Row[]): string[] {
  const targets = config.ilobby.length > 0 ? config.ilobby : [{ name: 'ilobby', sites: undefined }];
  return targets.map((target) => {
    const sites = target.sites === undefined ? undefined : new Set(target.sites);
    const targetRows = sites === undefined ? rows : rows.filter((row) => sites.has(row.SITE));
    const previous = readLastPush(config.stateDir, target.name);
    if (previous === undefined) return `${target.name}: no previous push to compare with (${targetRows.length} rows would be sent)`;
    const changes = diffRows(previous, targetRows);
    const first = (list: readonly Row[]) => (list.length ? ` (${list.slice(0, SHOWN).map((r) => r.EMAIL).join(', ')}${list.length > SHOWN ? ', …' : ''})` : '');
    return [
      `${target.name}, against the last push (${previous.length} rows):`,
      `  added ${changes.added.length}${first(changes.added)}`,
      `  changed ${changes.changed.length}${first(changes.changed.map((c) => c.after))}`,
      `  to be disabled ${changes.disabled.length}${first(changes.disabled)}`,
    ].join('\n');
  });
}
