// The checks that stand between a target's rows and the service: SITE values the portal may not
// know (sites.ts; --force never overrides), then the safety guards on counts and changes
// (safety/guards.ts). Each refusal is a SafetyRefusal (exit 4) saying what to try.
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { COLUMNS } from '../mapping/fields.js';
import { SafetyRefusal } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { columnChanges, evaluateGuards, firstPushWarning, NAMES_SHOWN } from '../safety/guards.js';
import type { TargetChanges } from './preview.js';
import { siteRefusal, type TargetSites, type UnknownSite } from './sites.js';

/** iLobby's columns a change guard watches: every one but EMAIL, which identifies the person (a change of its case is no change). */
const GUARDED_COLUMNS = COLUMNS.filter((column) => column !== 'EMAIL');

export interface TargetUnderCheck {
  target: IlobbyTarget;
  /** Its place in config.ilobby, to name its keys. */
  index: number;
  /** The file written for it, for the hints. */
  csv: string;
  preview: TargetChanges;
  sites: TargetSites;
  /** SITE values no target receives (several targets). */
  unrouted: readonly UnknownSite[];
}

/** Throws a SafetyRefusal when the push must not go ahead; warns about thresholds --force overrides. */
export function refuseUnsafePush(
  config: RosterConfig,
  { target, index, csv, preview, sites, unrouted }: TargetUnderCheck,
  options: { force: boolean; firstPush: boolean; diffOut?: string },
  log: Logger,
): void {
  const { changes, previousRows } = preview;
  const firstPush = previousRows === undefined;
  const sitesKey = config.ilobby.length === 1 ? 'ilobby.sites' : `ilobby[${index}].sites`;
  const badSites = siteRefusal({ ...target, sitesKey, firstPush }, sites, unrouted);
  if (badSites !== undefined) throw new SafetyRefusal(badSites.message, { hint: badSites.hint });
  const verdict = evaluateGuards({
    rowCount: preview.rows,
    previousCount: previousRows,
    safety: config.safety,
    force: options.force,
    firstPush: options.firstPush,
    disabled: { count: changes.disabled.length, examples: changes.disabled.slice(0, NAMES_SHOWN).map((row) => row.EMAIL) },
    changed: firstPush ? undefined : columnChanges(changes.changed, changes.changed.length + changes.unchanged, GUARDED_COLUMNS, (row) => row.EMAIL),
  });
  if (verdict.fatal !== undefined)
    throw new SafetyRefusal(`${target.name}: refused: ${verdict.fatal}`, {
      hint: 'Check the search bases and filter with "roster check"; --force does not push an empty roster.',
    });
  if (verdict.firstPushRefused) {
    throw new SafetyRefusal(
      `${target.name}: refused: this is the first push to ${target.name} from ${config.stateDir}: ${firstPushWarning('address-book entry')}`,
      {
        hint: `Look at ${csv}: it is what would be sent. If it is the whole address book, push it once by hand with --first-push ("roster sync --first-push"); later runs compare with that push.`,
      },
    );
  }
  if (!verdict.allowed) {
    throw new SafetyRefusal(`${target.name}: refused:\n  - ${verdict.thresholds.join('\n  - ')}`, {
      hint: `${options.diffOut === undefined ? 'For every change, run again with --dry-run --diff-out changes.csv' : `Every change is listed in ${options.diffOut}`}. If these changes are intended, run again with --force (or raise the limits under "safety").`,
    });
  }
  for (const threshold of verdict.thresholds) log.warn(`${target.name}: --force overrides: ${threshold}`);
}
