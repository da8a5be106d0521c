// SITE values, checked before anything is sent. iLobby rejects a row whose SITE is not one of the
// portal's site names, and a person whose row is rejected is disabled like anyone missing from the
// file: one misspelt site name (the directory's "Montréal" for the portal's "Montreal") locks out
// everyone there. A target's known site names are its `sites` and the SITE values of its last
// push, which the service accepted. Pure.
//
// Routing: one target receives every row; with several, a row goes to each target whose `sites`
// name its SITE, and a target without `sites` receives every row. Every row a target receives
// must have an empty SITE or a known one. A row no target receives (several targets, its SITE in
// no `sites`) would go nowhere: a non-empty SITE there is just as unknown; an empty one is said.
import { closestNames } from '../mapping/attributeNames.js';
import { quoted } from '../platform/log/printable.js';
import type { RowList } from '../rowstore/rowStore.js';

/** Where an admin finds the portal's site names. */
const PORTAL_SITES = 'the iLobby portal lists its sites under Settings, Sites';

/** A target as the SITE check sees it. */
export interface SiteTarget {
  name: string;
  /** ilobby.sites: the portal's site names, and the routing of rows to this target. */
  sites: readonly string[] | undefined;
  /** The SITE values of its last push; undefined when there was none (or it vouches for none). */
  accepted: ReadonlySet<string> | undefined;
}

export interface UnknownSite {
  site: string;
  rows: number;
  /** The closest known name, ignoring case and accents. */
  nearest?: string;
}

export interface TargetSites {
  target: string;
  /** Whether a row with this SITE goes to this target. */
  receives: (site: string) => boolean;
  /** The site names it knows: its `sites` and the last push's values. */
  known: string[];
  /** Non-empty SITE values it would receive that it does not know. */
  unknown: UnknownSite[];
  /** Its rows per SITE. */
  counts: Map<string, number>;
}

export interface SiteCheck {
  targets: TargetSites[];
  /** Several targets: rows whose SITE goes to none of them. */
  unrouted: UnknownSite[];
  /** Several targets, each with `sites`: rows with an empty SITE, which go to none of them. */
  unroutedEmpty: number;
}

/** How many rows carry each SITE value ('' for an empty one), most rows first. */
export function siteCounts(rows: RowList): Map<string, number> {
  return new Map([...rows.siteCounts()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** The known names: `sites` and the last push's values. */
function knownSites(target: SiteTarget): Set<string> {
  return new Set([...(target.sites ?? []), ...(target.accepted ?? [])]);
}

export function checkSites(counts: ReadonlyMap<string, number>, targets: readonly SiteTarget[]): SiteCheck {
  const receives = (target: SiteTarget) => (site: string) => targets.length === 1 || target.sites === undefined || target.sites.includes(site);
  const routes = targets.map(receives);
  const unroutedValues = [...counts].filter(([site]) => !routes.some((goes) => goes(site)));
  const everyKnownName = targets.flatMap((target) => [...knownSites(target)]);
  const unrouted = unroutedValues.filter(([site]) => site !== '').map(([site, rows]) => unknownSite(site, rows, everyKnownName));
  const unroutedEmpty = unroutedValues.find(([site]) => site === '')?.[1] ?? 0;
  return {
    targets: targets.map((target, index) => {
      const goes = routes[index]!;
      const known = knownSites(target);
      const own = new Map([...counts].filter(([site]) => goes(site)));
      const unknown = [...own].filter(([site]) => site !== '' && !known.has(site)).map(([site, rows]) => unknownSite(site, rows, [...known]));
      return { target: target.name, receives: goes, known: [...known], unknown, counts: own };
    }),
    unrouted,
    unroutedEmpty,
  };
}

function unknownSite(site: string, rows: number, names: readonly string[]): UnknownSite {
  const nearest = nearestSite(site, names);
  return { site, rows, ...(nearest === undefined ? {} : { nearest }) };
}

/** The known name closest to `value`, comparing without case and accents ("Montréal" finds "Montreal"). */
export function nearestSite(value: string, names: readonly string[]): string | undefined {
  const byFolded = new Map<string, string>();
  for (const name of names) if (!byFolded.has(folded(name))) byFolded.set(folded(name), name);
  const [closest] = closestNames(folded(value), [...byFolded.keys()], 1);
  return closest === undefined ? undefined : byFolded.get(closest);
}

/** Lower case without accents: "Montréal" → "montreal". */
function folded(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** `"Montréal" (903 rows; nearest known name: "Montreal", which differs only in accents)`. */
export function describeUnknownSite(unknown: UnknownSite): string {
  const rows = `${unknown.rows} row${unknown.rows === 1 ? '' : 's'}`;
  if (unknown.nearest === undefined) return `${quoted(unknown.site)} (${rows}; no known name is close)`;
  const difference = howItDiffers(unknown.site, unknown.nearest);
  return `${quoted(unknown.site)} (${rows}; nearest known name: ${quoted(unknown.nearest)}${difference === undefined ? '' : `, ${difference}`})`;
}

/**
 * What tells a value from a known name that looks the same: both are shown quoted, and a tired
 * admin cannot see a trailing space or an accent written as a separate mark.
 */
function howItDiffers(value: string, name: string): string | undefined {
  if (value.normalize('NFC') === name.normalize('NFC'))
    return `the same text in another Unicode form: ${unicodeForm(value)}, the known name ${unicodeForm(name)}`;
  const spaced = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (spaced(value) === spaced(name)) return 'which differs only in spaces';
  if (spaced(value).toLowerCase() === spaced(name).toLowerCase()) return 'which differs only in letter case';
  if (folded(spaced(value)) === folded(spaced(name))) return 'which differs only in accents';
  return undefined;
}

/** NFC (accented letters as one character, as typed on most systems), NFD (accents as separate marks), or mixed. */
function unicodeForm(text: string): string {
  if (text === text.normalize('NFC')) return 'NFC';
  return text === text.normalize('NFD') ? 'NFD' : 'mixed forms';
}

/**
 * `"Montre\u0301al": "Montreal"`: a fields.config.json `map` entry for a refused value, written so
 * that it can be pasted: accent marks and invisible characters as JSON escapes.
 */
export function mapExample(unknown: readonly UnknownSite[]): string {
  const example = unknown.find((site) => site.nearest !== undefined) ?? unknown[0];
  if (example === undefined) return '"Montréal": "Montreal"';
  return `${jsonText(example.site)}: ${example.nearest === undefined ? '"<the portal\'s name>"' : jsonText(example.nearest)}`;
}

function jsonText(text: string): string {
  return JSON.stringify(text).replace(/[\p{M}\p{Cf}\p{Zl}\p{Zp}\u00a0]/gu, (mark) => `\\u${mark.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `Toronto 586, Montreal 579, (empty) 1`. */
export function describeSiteCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([site, rows]) => `${site === '' ? '(empty)' : quoted(site)} ${rows}`).join(', ');
}

/** Why a target's push is refused for its SITE values (exit 4, not overridden by --force), or undefined. */
export function siteRefusal(
  target: Pick<SiteTarget, 'name' | 'sites'> & { sitesKey: string; firstPush: boolean },
  sites: TargetSites,
  unrouted: readonly UnknownSite[],
): { message: string; hint: string } | undefined {
  if (sites.unknown.length === 0 && unrouted.length === 0) return undefined;
  const why = "iLobby rejects a row whose SITE is not one of its portal's site names, and disables the person it held with that email";
  const reasons: string[] = [];
  const needsSites = target.sites === undefined && target.firstPush && sites.unknown.length > 0;
  if (needsSites) {
    const withSite = new Map([...sites.counts].filter(([site]) => site !== ''));
    reasons.push(
      `this first push has rows with a SITE (${describeSiteCounts(withSite)}), but ${target.sitesKey} does not name the portal's sites, so roster cannot check them: ${why}`,
    );
  } else if (sites.unknown.length > 0) {
    const names = sites.known.length === 0 ? 'none' : sites.known.map((name) => quoted(name)).join(', ');
    reasons.push(
      `SITE values ${target.name} does not know (known: ${names}, from ${target.sitesKey} and the last push): ${sites.unknown.map(describeUnknownSite).join(', ')}; ${why}`,
    );
  }
  if (unrouted.length > 0) {
    reasons.push(
      `SITE values no target's sites name, so their rows would go to no address book (and a target that held those people would disable them): ${unrouted.map(describeUnknownSite).join(', ')}`,
    );
  }
  const portal = `spelt exactly as the portal has it (${PORTAL_SITES})`;
  const hint = needsSites
    ? `List the portal's site names in ${target.sitesKey}, ${portal}; then push again. --force does not override this.`
    : `Correct the SITE in the directory or map it in fields.config.json (SITE: "map": { ${mapExample([...sites.unknown, ...unrouted])} }); a site the portal really has goes in ${target.sitesKey}, ${portal}. --force does not override this.`;
  return {
    message: `${target.name}: refused:${reasons.length === 1 ? ` ${reasons[0]}` : `\n  - ${reasons.join('\n  - ')}`}`,
    hint,
  };
}
