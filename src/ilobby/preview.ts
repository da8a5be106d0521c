// What a push of these rows would change, per target, against the last successful push: the
// preview `export` and `sync` print, and what --diff-out writes. Also which rows each target
// receives, and whether their SITE values are ones it knows (sites.ts).
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { diffRows, type RosterChanges } from './diff.js';
import type { Row } from '../mapping/mapRecord.js';
import type { RowList } from '../rowstore/rowStore.js';
import { UNKNOWN_BEFORE_FIRST_PUSH } from '../safety/guards.js';
import { checkSites, describeSiteCounts, describeUnknownSite, siteCounts, type SiteCheck, type SiteTarget, type TargetSites } from './sites.js';
import { readLastPush, type LastPush } from './state.js';

const SHOWN = 5;

export interface TargetChanges {
  target: string;
  /** Rows this target would receive (after its `sites` routing). */
  rows: number;
  /** Rows of the last successful push; undefined before the first one (then every row is "added"). */
  previousRows: number | undefined;
  changes: RosterChanges;
  /** The pending push compared with, when a run left one unsettled (it went out, or may have). */
  unsettledPush?: string;
  /** What the operator should know about the last push (it could not be checked against a record). */
  baselineWarning?: string;
}

/** One target's part of a push: its rows, their SITE values and what they would change; or why its last push cannot be read. */
export type TargetPlan =
  { target: PlannedTarget; rows: RowList; sites: TargetSites; preview: TargetChanges; last: LastPush | undefined } | { target: PlannedTarget; error: unknown };
type PlannedTarget = Pick<IlobbyTarget, 'name' | 'sites'>;

export interface PushPlan {
  targets: TargetPlan[];
  sites: SiteCheck;
  /** Rows per SITE value in the whole extract. */
  siteCounts: Map<string, number>;
}

/** The targets of a config; a config without any is planned as one target "ilobby" (a preview). */
export function plannedTargets(config: RosterConfig): PlannedTarget[] {
  return config.ilobby.length > 0 ? config.ilobby : [{ name: 'ilobby', sites: undefined }];
}

/**
 * Which rows each target receives and what pushing them would change against its last push: the
 * one computation behind the preview and the push. A target whose last push cannot be read gets
 * the error instead; the others are still planned.
 */
export function planPush(config: RosterConfig, targets: readonly PlannedTarget[], rows: RowList): PushPlan {
  const lastPushes = targets.map((target) => {
    try {
      return { last: readLastPush(config.stateDir, target.name) };
    } catch (error) {
      return { error };
    }
  });
  const counts = siteCounts(rows);
  const siteTargets: SiteTarget[] = targets.map((target, index) => ({
    name: target.name,
    sites: target.sites,
    accepted: acceptedSites(lastPushes[index]!.last),
  }));
  const sites = checkSites(counts, siteTargets);
  const plans = targets.map((target, index): TargetPlan => {
    const read = lastPushes[index]!;
    if ('error' in read) return { target, error: read.error };
    const own = sites.targets[index]!;
    const targetRows = own.counts.size === counts.size ? rows : rows.withSites(own.receives);
    const previous = read.last;
    const preview: TargetChanges = {
      target: target.name,
      rows: targetRows.length,
      previousRows: previous?.rows.length,
      changes: diffRows(previous?.rows, targetRows),
    };
    if (previous?.unsettled) preview.unsettledPush = previous.file;
    if (previous?.warning !== undefined) preview.baselineWarning = previous.warning;
    return { target, rows: targetRows, sites: own, preview, last: previous };
  });
  return { targets: plans, sites, siteCounts: counts };
}

/** The SITE values the service accepted in the last push; none when it rejected rows without naming them. */
function acceptedSites(last: LastPush | undefined): Set<string> | undefined {
  if (last === undefined || last.unidentifiedRejections > 0 || last.rejectionsUncounted) return undefined;
  const accepted = new Set(siteCounts(last.rows).keys());
  accepted.delete('');
  return accepted;
}

/** The changes for every target (for `export`); a last push that cannot be read fails the preview. */
export function changesPerTarget(config: RosterConfig, rows: RowList): { changes: TargetChanges[]; plan: PushPlan } {
  const plan = planPush(config, plannedTargets(config), rows);
  const changes = plan.targets.map((target) => {
    if ('error' in target) throw target.error;
    return target.preview;
  });
  return { changes, plan };
}

/**
 * The SITE values with their row counts, and per target those it does not know: what `export` and
 * `check` show. `judge`: whether the config names iLobby targets to judge them against.
 */
export function siteLines(plan: PushPlan, judge: boolean): { lines: string[]; unknown: boolean } {
  const lines = [`SITE values: ${plan.siteCounts.size === 0 ? 'none (no rows)' : describeSiteCounts(plan.siteCounts)}`];
  if (!judge) return { lines, unknown: false };
  let unknown = false;
  for (const planned of plan.targets) {
    if ('error' in planned || planned.sites.unknown.length === 0) continue;
    unknown = true;
    const name = planned.target.name;
    lines.push(
      planned.target.sites === undefined && planned.last === undefined
        ? `  ${name} names no sites and has no last push: its first push is refused until its "sites" list the portal's site names`
        : `  unknown to ${name}: ${planned.sites.unknown.map(describeUnknownSite).join(', ')}`,
    );
  }
  if (plan.sites.unrouted.length > 0) {
    unknown = true;
    lines.push(`  in no target's sites: ${plan.sites.unrouted.map(describeUnknownSite).join(', ')}`);
  }
  if (plan.sites.unroutedEmpty > 0) lines.push(`  ${unroutedEmptyText(plan.sites.unroutedEmpty)}`);
  return { lines, unknown };
}

/** Rows with an empty SITE when every target routes by its `sites`. */
export function unroutedEmptyText(rows: number): string {
  return `${rows} row${rows === 1 ? ' has' : 's have'} an empty SITE and go${rows === 1 ? 'es' : ''} to no target (with several targets, a row goes to the targets whose sites name its SITE, or to those without sites)`;
}

/**
 * The counts with the first few EMAILs of each, one indented line each. After a refusal, whose
 * message already names the people to be disabled, they are not named a second time. A first
 * push cannot know who it disables.
 */
export function changeLines(changes: RosterChanges, options: { disabledNamedAbove?: boolean; firstPush?: boolean } = {}): string[] {
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
    options.firstPush ? `  to be disabled: ${UNKNOWN_BEFORE_FIRST_PUSH}` : `  to be disabled ${changes.disabled.length}${disabled}`,
  ];
}

export function describeTargetChanges(target: TargetChanges): string {
  if (target.previousRows === undefined)
    return `${target.target}: no previous push to compare with (${target.rows} rows would be sent; to be disabled: ${UNKNOWN_BEFORE_FIRST_PUSH})`;
  return [`${target.target}, against the last push (${target.previousRows} rows):`, ...changeLines(target.changes)].join('\n');
}

/** The counts for the run report (the full lists go to --diff-out, not into every report); null: unknown. */
export function changeCounts(target: TargetChanges): Record<string, unknown> {
  const { changes } = target;
  return {
    target: target.target,
    rows: target.rows,
    previousRows: target.previousRows ?? null,
    added: changes.added.length,
    changed: changes.changed.length,
    disabled: target.previousRows === undefined ? null : changes.disabled.length,
  };
}
