// What a push of these rows would change, per target, against the last successful push: the
// preview `export` and `sync` print, and what --diff-out writes.
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { diffRows, type RosterChanges } from './diff.js';
import type { Row } from '../mapping/mapRecord.js';
import type { RowList } from '../rowstore/rowStore.js';
import { readLastPush } from './state.js';

const SHOWN = 5;

export interface TargetChanges {
  target: string;
  /** Rows this target would receive (after its `sites` filter). */
  rows: number;
  /** Rows of the last successful push; undefined before the first one (then every row is "added"). */
  previousRows: number | undefined;
  changes: RosterChanges;
  /** The pending push compared with, when a run left one unsettled (it went out, or may have). */
  unsettledPush?: string;
}

/** The changes for every iLobby target; a config without targets is compared as one target "ilobby". */
export function changesPerTarget(config: RosterConfig, rows: RowList): TargetChanges[] {
  const targets = config.ilobby.length > 0 ? config.ilobby : [{ name: 'ilobby', sites: undefined }];
  return targets.map((target) => targetChanges(config, target, rows).preview);
}

/**
 * The rows a target receives (only its `sites`, when it names some) and what pushing them would
 * change against that target's last push: the one computation behind the preview and the push.
 */
export function targetChanges(config: RosterConfig, target: Pick<IlobbyTarget, 'name' | 'sites'>, rows: RowList): { rows: RowList; preview: TargetChanges } {
  const sites = target.sites === undefined ? undefined : new Set(target.sites);
  const targetRows = sites === undefined ? rows : rows.filter((row) => sites.has(row.SITE));
  const previous = readLastPush(config.stateDir, target.name);
  const preview: TargetChanges = {
    target: target.name,
    rows: targetRows.length,
    previousRows: previous?.rows.length,
    changes: diffRows(previous?.rows, targetRows),
  };
  if (previous?.unsettled) preview.unsettledPush = previous.file;
  return { rows: targetRows, preview };
}

/**
 * The counts with the first few EMAILs of each, one indented line each. After a refusal, whose
 * message already names the people to be disabled, they are not named a second time.
 */
export function changeLines(changes: RosterChanges, options: { disabledNamedAbove?: boolean } = {}): string[] {
  const first = (list: readonly Row[], length = list.length) =>
    length
      ? ` (${list
          .slice(0, SHOWN)
          .map((r) => r.EMAIL)
          .join(', ')}${length > SHOWN ? ', …' : ''})`
      : '';
  const disabled = options.disabledNamedAbove && changes.disabled.length > 0 ? ' (named in the refusal above)' : first(changes.disabled);
  return [
    `  added ${changes.added.length}${first(changes.added.first(SHOWN), changes.added.length)}`,
    `  changed ${changes.changed.length}${first(changes.changed.map((c) => c.after))}`,
    `  to be disabled ${changes.disabled.length}${disabled}`,
  ];
}

export function describeTargetChanges(target: TargetChanges): string {
  if (target.previousRows === undefined) return `${target.target}: no previous push to compare with (${target.rows} rows would be sent)`;
  return [`${target.target}, against the last push (${target.previousRows} rows):`, ...changeLines(target.changes)].join('\n');
}

/** The counts for the run report (the full lists go to --diff-out, not into every report). */
export function changeCounts(target: TargetChanges): Record<string, unknown> {
  const { changes } = target;
  return {
    target: target.target,
    rows: target.rows,
    previousRows: target.previousRows ?? null,
    added: changes.added.length,
    changed: changes.changed.length,
    disabled: changes.disabled.length,
  };
}
