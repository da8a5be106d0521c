// `roster check` on the mapping, with a directory to hand: is every attribute fields.config.json
// names in the directory's schema (with the closest real names for those that are not), which
// columns the rows would leave empty, and which SITE values the iLobby targets would not know.
import type { RosterConfig } from '../config/types.js';
import type { DirectoryConnection } from '../directory/connect.js';
import { readSchema } from '../directory/schema.js';
import { ConfigError } from '../platform/errors.js';
import { describeUnknown, unknownAttributes, unknownNames } from '../mapping/attributeNames.js';
import { filterAttributes } from '../directory/filter.js';
import type { SearchPlan } from '../ilobby/extract.js';
import { planPush, plannedTargets, siteLines } from '../ilobby/preview.js';
import type { RowSummary } from '../rowstore/collector.js';
import type { RowList } from '../rowstore/rowStore.js';
import { columnFill, describeFill, fillWarnings } from '../rowstore/fill.js';
import type { CheckLog } from './steps.js';

/**
 * Every attribute fields.config.json and directory.filter name, against the schema: an unknown one
 * fails the step (exit 2, with the closest real names); a schema that cannot be read only warns.
 * False when the filter names an unknown attribute: then nothing is searched.
 */
export async function checkSchema(connection: DirectoryConnection, plan: SearchPlan, checks: CheckLog, note?: string): Promise<boolean> {
  const withNote = (text: string) => (note === undefined ? text : `${text}\n${note}`);
  const url = connection.url;
  let schema: Awaited<ReturnType<typeof readSchema>>;
  try {
    schema = await readSchema(connection);
  } catch (error) {
    checks.warn(
      'schema',
      url,
      withNote(
        `the directory's schema could not be read (${(error as Error).message}), so the attribute names in ${plan.fieldsFile} and directory.filter were not checked`,
      ),
      "Nothing to do if the columns fill as expected below; otherwise compare the names in fields.config.json with an entry's attributes.",
    );
    return true;
  }
  const unknownFilter = unknownNames(
    filterAttributes(plan.query.filter).map((attribute) => ({ where: 'directory.filter', attribute })),
    schema.types,
  );
  const unknownMapped = unknownAttributes(plan.mapping, schema.types);
  if (unknownMapped.length === 0 && unknownFilter.length === 0) {
    const count = new Set(plan.query.uses.map((use) => use.attribute.toLowerCase())).size;
    const inFilter = filterAttributes(plan.query.filter).join(', ');
    checks.pass(
      'schema',
      url,
      withNote(`the ${count} attribute(s) ${plan.fieldsFile} names are all in the schema (${schema.source}), as are directory.filter's (${inFilter})`),
    );
    return true;
  }
  if (unknownMapped.length > 0) {
    checks.fail(
      'schema',
      url,
      new ConfigError(plan.fieldsFile, unknownMapped.map(describeUnknown), {
        hint: `Correct the names in ${plan.fieldsFile}: an attribute the schema does not define is empty on every row, and nothing else would say so.`,
      }),
      note,
    );
  }
  if (unknownFilter.length > 0) {
    checks.fail(
      'schema',
      url,
      new ConfigError(plan.query.configFile, unknownFilter.map(describeUnknown), {
        hint: 'Correct directory.filter: a filter that names an attribute the schema does not define matches nothing, or everything under a "!", and export and sync stop (exit 2).',
      }),
    );
  }
  return unknownFilter.length === 0;
}

/** The fill table (shown under the rows step) and a warning step for each column empty on every row or on most. */
export function checkFill(plan: SearchPlan, summary: RowSummary): { table: string; warn: (url: string, checks: CheckLog) => void } {
  const fill = columnFill(summary.filled, summary.rowsWritten, plan.mapping);
  return {
    table: describeFill(fill, summary.rowsWritten),
    warn: (url, checks) => {
      for (const warning of fillWarnings(fill, plan.fieldsFile)) {
        checks.warn(
          'fill',
          url,
          warning,
          'Look at a few people in the directory: map the column to the attribute that holds the value, or remove it from fields.config.json if the directory has no such data.',
        );
      }
    },
  };
}

/** The distinct SITE values with their row counts; a value a target does not know warns (sync would refuse it). */
export function checkSites(config: RosterConfig, rows: RowList, url: string, checks: CheckLog): void {
  let sites: ReturnType<typeof siteLines>;
  try {
    sites = siteLines(planPush(config, plannedTargets(config), rows), config.ilobby.length > 0);
  } catch (error) {
    checks.fail('sites', url, error);
    return;
  }
  const [counts, ...unknown] = sites.lines;
  if (!sites.unknown) {
    checks.pass('sites', url, [counts!, ...unknown].join('\n'));
    return;
  }
  checks.warn(
    'sites',
    url,
    [counts!, ...unknown].join('\n'),
    'sync refuses these (exit 4, not --force): correct the SITE in the directory or map it in fields.config.json; a site the portal really has goes in the target\'s "sites", spelt as the iLobby portal lists it.',
  );
}
