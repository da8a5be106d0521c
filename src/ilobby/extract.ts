// directory → records → rows: reads the directory and maps every entry, in one pass.
import type { DirectoryConfig, RosterConfig } from '../config/types.js';
import { ConfigError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { connectDirectory } from '../directory/connect.js';
import { describeLeftOut, type LeftOut } from '../directory/leftOut.js';
import { peopleQuery, preparePeopleSearch, searchPeople, type PeopleQuery } from '../directory/people.js';
import { describeBases, type SearchBaseResult } from '../directory/search.js';
import type { FieldMapping } from '../mapping/fields.js';
import { loadFieldMapping } from '../mapping/loadFields.js';
import { pickAttribute } from '../mapping/pick.js';
import { RowCollector, type RowSummary } from '../rowstore/collector.js';
import { columnFill, describeFill, fillWarnings, type ColumnFill } from '../rowstore/fill.js';
import { describeUnknown } from '../mapping/attributeNames.js';
import type { RowList } from '../rowstore/rowStore.js';

export interface Extract {
  rows: RowList;
  summary: RowSummary;
  bases: SearchBaseResult[];
  /** Who the account-state rules left out, and why. */
  leftOut: LeftOut[];
  /** The domain controller that answered. */
  url: string;
  fieldsFile: string;
  /** Rows with a value per column, and the columns worth a warning. */
  fill: ColumnFill[];
}

export interface ExtractOptions {
  /** Also check the mapping's attribute names against the directory's schema (export --verbose). */
  checkSchema?: boolean;
}

/** What an extract searches for and how it maps what it finds; `roster check` uses the same plan. */
export interface SearchPlan {
  directory: DirectoryConfig;
  fieldsFile: string;
  mapping: FieldMapping;
  query: PeopleQuery;
}

export function planSearch(config: RosterConfig): SearchPlan {
  const directory = config.directory;
  if (directory === undefined) {
    throw new ConfigError(config.file, ['directory: is required to read people from Active Directory or LDAP']);
  }
  const { file: fieldsFile, mapping } = loadFieldMapping(config);
  const uses = mapping.flatMap((rule) => [...rule.attributes, ...(pickAttribute(rule.pick) ?? [])].map((attribute) => ({ where: rule.column, attribute })));
  return { directory, fieldsFile, mapping, query: peopleQuery(directory, config.file, uses) };
}

export async function extractRows(config: RosterConfig, log: Logger, options: ExtractOptions = {}): Promise<Extract> {
  const { directory, fieldsFile, mapping, query } = planSearch(config);
  log.debug(`mapping from ${fieldsFile}`);

  const connection = await connectDirectory(directory, log);
  const collector = new RowCollector(mapping);
  let result: Awaited<ReturnType<typeof searchPeople>>;
  try {
    const search = await preparePeopleSearch(connection, query, log, { suggestForMapped: options.checkSchema });
    // A misspelt mapped attribute shows as an empty column (the fill table warns); --verbose says which.
    if (options.checkSchema) for (const unknown of search.unknownMapped) log.warn(`${fieldsFile}: ${describeUnknown(unknown)}`);
    result = await searchPeople(connection, search, (record) => collector.add(record), log);
  } finally {
    // Not awaited: the unbind and the socket's close overlap sorting and writing the CSV.
    // close() never throws, and the process does not exit before the socket is closed.
    void connection.close();
  }
  const { rows, summary } = collector.finish();
  const fill = columnFill(summary.filled, rows.length, mapping);
  return { rows, summary, bases: result.bases, leftOut: result.leftOut, url: connection.url, fieldsFile, fill };
}

/** The warnings an extract deserves beyond its summary: columns empty on every row or on most. */
export function extractWarnings(extract: Extract): string[] {
  return fillWarnings(extract.fill, extract.fieldsFile);
}

/** The summary lines every command that extracts prints. */
export function describeExtract(extract: Extract): string {
  const { summary } = extract;
  const lines = [
    `entries found: ${summary.entriesFound} (${describeBases(extract.bases)})`,
    ...describeLeftOut(extract.leftOut),
    `rows written:  ${summary.rowsWritten}`,
  ];
  const reasons: [keyof RowSummary['skipped'], string][] = [
    ['noEmail', 'no email'],
    ['invalidEmail', 'invalid email'],
    ['duplicateEmail', 'duplicate email'],
    ['notAllowed', 'value not allowed'],
  ];
  for (const [reason, label] of reasons) {
    if (summary.skipped[reason] === 0) continue;
    lines.push(`skipped (${label}): ${summary.skipped[reason]}, e.g. ${summary.examples[reason].join('; ')}`);
  }
  const warnings: [keyof RowSummary['warnings'], string][] = [
    ['phoneNotNormalized', 'phone number left as it was (not a valid number)'],
    ['truncated', 'value cut to maxLength'],
  ];
  for (const [reason, label] of warnings) {
    if (summary.warnings[reason] === 0) continue;
    lines.push(`warning (${label}): ${summary.warnings[reason]}, e.g. ${summary.warningExamples[reason].join('; ')}`);
  }
  if (summary.rowsWritten > 0) lines.push(describeFill(extract.fill, summary.rowsWritten));
  return lines.join('\n');
}
