// The people search every export shares (iLobby, Officevibe, `roster check`): the user's filter
// with the account-state rules of the server found on top, every name resolved through the
// schema, directory.memberOf by the server's own means, overlapping search bases read once, and
// who was left out and why counted.
import type { DirectoryConfig } from '../config/types.js';
import { baseName, describeUnknown, unknownNames, type AttributeTypes, type UnknownAttribute } from '../mapping/attributeNames.js';
import type { DirectoryRecord } from '../mapping/record.js';
import { ConfigError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { AccountStateMismatch, dayNumber, planAccountState, type AccountStatePlan } from './accountState.js';
import { AttributeKeys } from './attributeKeys.js';
import type { DirectoryConnection } from './connect.js';
import { isWithin, normalizeDn } from './dn.js';
import { checkedFilter, combineFilters, filterAttributes, inChainClause } from './filter.js';
import { countLeftOut, type LeftOut } from './leftOut.js';
import { nestedMembers } from './nestedMembers.js';
import { readSchema } from './schema.js';
import { searchDirectory, type SearchBaseResult, type SearchRequest } from './search.js';

/** What the caller wants read, known before connecting. */
export interface PeopleQuery {
  directory: DirectoryConfig;
  configFile: string;
  /** directory.filter, checked (exit 2 when malformed). */
  filter: string;
  /** The attributes read, each with where it is named (a column), as written. */
  uses: ReadonlyArray<{ where: string; attribute: string }>;
}

/** The search as it will run on one connected server. */
export interface PeopleSearch {
  query: PeopleQuery;
  request: SearchRequest;
  state: AccountStatePlan;
  /** directory.memberOf without IN_CHAIN: the members, as normalized DNs. */
  members: Set<string> | undefined;
  /** The clause for directory.memberOf that is part of the filter (Active Directory). */
  memberClause: string | undefined;
  /** Mapped attributes the schema does not define: the caller decides how loud to be (with suggestions if it asked for them). */
  unknownMapped: UnknownAttribute[];
  schema: { source: string; types: AttributeTypes } | undefined;
}

export interface PeopleResult {
  bases: SearchBaseResult[];
  leftOut: LeftOut[];
}

export function peopleQuery(directory: DirectoryConfig, configFile: string, uses: PeopleQuery['uses']): PeopleQuery {
  return { directory, configFile, filter: checkedFilter(directory.filter, 'directory.filter', configFile), uses };
}

/**
 * Resolves the query against the server: its schema (a filter attribute it does not define is
 * exit 2), its account-state rules (one that does not fit the server is exit 2), memberOf.
 */
export async function preparePeopleSearch(
  connection: DirectoryConnection,
  query: PeopleQuery,
  log: Logger,
  options: { suggestForMapped?: boolean } = {},
): Promise<PeopleSearch> {
  const { directory, configFile } = query;
  const server = connection.server;
  const filterNames = filterAttributes(query.filter);
  const stateNames = ['userAccountControl', 'nsAccountLock', 'pwdAccountLockedTime', 'shadowExpire'];
  let schema: PeopleSearch['schema'];
  try {
    schema = await readSchema(connection, [...query.uses.map((use) => use.attribute), ...filterNames, ...stateNames]);
  } catch (error) {
    log.warn(`could not read the directory's schema (${(error as Error).message}): attribute names are used as written, unchecked`);
  }
  const isAd = server.kind === 'ad' || server.kind === 'samba';
  let unknownMapped: UnknownAttribute[] = [];
  if (schema !== undefined) {
    const read = schema.types;
    const unknownFilter = unknownNames(
      filterNames.map((attribute) => ({ where: 'directory.filter', attribute })),
      read,
    );
    unknownMapped = unknownNames(query.uses, read);
    if (unknownFilter.length > 0 || (unknownMapped.length > 0 && options.suggestForMapped === true)) {
      // Suggestions need every name: on AD only the wanted ones were read (the whole schema is ~1,500 entries).
      const all = isAd ? (await readSchema(connection).catch(() => schema)).types : read;
      const again = (list: UnknownAttribute[]) => unknownNames(list, all);
      if (unknownFilter.length > 0) {
        throw new ConfigError(configFile, again(unknownFilter).map(describeUnknown), {
          hint: `A filter that names an attribute ${server.name} does not define matches nothing (or everything, under a "!"): correct directory.filter; "roster check" shows the schema's names.`,
        });
      }
      unknownMapped = again(unknownMapped);
    }
  }
  let state: AccountStatePlan;
  try {
    state = planAccountState(directory.accountState, server, { excludeExpired: directory.excludeExpired, now: new Date(), schema: schema?.types });
  } catch (error) {
    if (!(error instanceof AccountStateMismatch)) throw error;
    throw new ConfigError(configFile, [`${error.key}: ${error.message} (${connection.url})`], {
      hint: 'Set directory.accountState to "auto" (the rules of the server found) or to the rule of this server; "roster check" names the server and what it applies.',
    });
  }
  log.info(`account state: ${state.description}`);
  let memberClause: string | undefined;
  let members: Set<string> | undefined;
  if (directory.memberOf.length > 0) {
    if (isAd) memberClause = inChainClause(directory.memberOf);
    else members = await nestedMembers(connection, { groups: directory.memberOf, pageSize: directory.pageSize, timeoutSeconds: directory.timeoutSeconds }, log);
  }
  const keeps = state.checks.flatMap((check) => (check.keep === undefined ? [] : [check.keep]));
  const filter = combineFilters(query.filter, [...(memberClause === undefined ? [] : [memberClause]), ...keeps], 'directory.filter', configFile);
  const requested = new Set(query.uses.map((use) => baseName(use.attribute)));
  for (const check of state.checks) if (check.attribute !== undefined) requested.add(baseName(check.attribute));
  requested.delete('dn');
  const attributes = [...requested];
  const request: SearchRequest = {
    searchBases: directory.searchBases,
    filter,
    attributes,
    pageSize: directory.pageSize,
    timeoutSeconds: directory.timeoutSeconds,
    names: new AttributeKeys(attributes, schema?.types),
  };
  log.debug(`filter ${filter}; attributes ${attributes.join(', ')}`);
  return { query, request, state, members, memberClause, unknownMapped, schema };
}

/** Every person `search` selects, each handed once to `onRecord`; who was left out, counted. */
export async function searchPeople(
  connection: DirectoryConnection,
  search: PeopleSearch,
  onRecord: (record: DirectoryRecord) => void,
  log: Logger,
): Promise<PeopleResult> {
  const { request, members } = search;
  // What roster judges itself, prepared once: the key its attribute's values are kept under.
  const judged = search.state.checks.flatMap((check) => {
    if (check.isLeftOut === undefined || check.attribute === undefined) return [];
    const counted = { label: check.label, count: 0, examples: [] as string[] };
    return [{ key: baseName(check.attribute), isLeftOut: check.isLeftOut, counted }];
  });
  const day = dayNumber(new Date());
  let accepted = 0;
  const accept = (record: DirectoryRecord) => {
    if (members !== undefined && !members.has(normalizeDn(record.dn))) return;
    for (const { key, isLeftOut, counted } of judged) {
      const values = record.attributes.get(key);
      if (values === undefined || !isLeftOut(values, day)) continue;
      counted.count += 1;
      if (counted.examples.length < 5) counted.examples.push(record.dn);
      return;
    }
    accepted += 1;
    onRecord(record);
  };
  const bases: SearchBaseResult[] = [];
  const searched: string[] = [];
  const overlaps = overlappingBases(request.searchBases);
  for (const [index, base] of request.searchBases.entries()) {
    const insideOf = overlaps[index];
    if (insideOf !== undefined) {
      log.warn(`directory.searchBases overlap: "${base}" is inside "${insideOf}", so its entries are read once, with "${insideOf}"`);
      bases.push({ base, entries: 0, pages: 0, referrals: [], insideOf });
      continue;
    }
    searched.push(base);
    const before = accepted;
    for (const result of await searchDirectory(connection, { ...request, searchBases: [base] }, accept, log)) {
      // The entries selected: those roster left out (or that are not members) are not people found.
      bases.push({ ...result, entries: accepted - before });
    }
  }
  const counted = await countLeftOut(connection, search, searched, log);
  return { bases, leftOut: [...counted, ...judged.map((check) => check.counted)] };
}

/**
 * Per search base, the other base whose subtree search already reads it: one it lies inside, or
 * an earlier one that is the same DN in another spelling. Undefined for a base searched itself.
 */
export function overlappingBases(bases: readonly string[]): Array<string | undefined> {
  return bases.map((base, index) => {
    const outer = bases.find((other) => isWithin(base, other) && !isWithin(other, base));
    return outer ?? bases.slice(0, index).find((other) => normalizeDn(other) === normalizeDn(base));
  });
}
