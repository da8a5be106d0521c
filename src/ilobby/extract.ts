// directory → records → rows: reads the directory and maps every entry, in one pass.
import type { DirectoryConfig, RosterConfig } from '../config/types.js';
import { ConfigError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { connectDirectory, type DirectoryConnection } from '../directory/connect.js';
import { buildFilter } from '../directory/filter.js';
import { searchDirectory, type SearchBaseResult, type SearchRequest } from '../directory/search.js';
import { attributesNeeded, type FieldMapping } from '../mapping/fields.js';
import { loadFieldMapping } from '../mapping/loadFields.js';
import { RowCollector, type RowSummary } from '../rowstore/collector.js';
import { columnFill, describeFill, fillWarnings, type ColumnFill } from '../rowstore/fill.js';
import { describeUnknown, unknownAttributes } from '../mapping/attributeNames.js';
import { readSchemaNames } from '../directory/schema.js';
import type { RowList } from '../rowstore/rowStore.js';

export interface Extract {
  rows: RowList;
  summary: RowSummary;
  bases: SearchBaseResult[];
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
  request: SearchRequest;
}

export function planSearch(config: RosterConfig): SearchPlan {
  const directory = config.directory;
  if (directory === undefined) {
    throw new ConfigError(config.file, ['directory: is required to read people from Active Directory or LDAP']);
  }
  const { file: fieldsFile, mapping } = loadFieldMapping(config);
  const filter = buildFilter(directory.filter, {
    configFile: config.file,
    memberOf: directory.memberOf,
    notExpiredAt: directory.excludeExpired ? new Date() : undefined,
  });
  const attributes = attributesNeeded(mapping);
  const request = { searchBases: directory.searchBases, filter, attributes, pageSize: directory.pageSize, timeoutSeconds: directory.timeoutSeconds };
  return { directory, fieldsFile, mapping, request };
}

export async function extractRows(config: RosterConfig, log: Logger, options: ExtractOptions = {}): Promise<Extract> {
  const { directory, fieldsFile, mapping, request } = planSearch(config);
  log.debug(`mapping from ${fieldsFile}`);
  log.debug(`filter ${request.filter}; attributes ${request.attributes.join(', ')}`);

  const connection = await connectDirectory(directory, log);
  const collector = new RowCollector(mapping);
  let bases: SearchBaseResult[];
  try {
    if (options.checkSchema) await warnUnknownAttributes(connection, mapping, fieldsFile, log);
    bases = await searchDirectory(connection, request, (record) => collector.add(record), log);
  } finally {
    // Not awaited: the unbind and the socket's close overlap sorting and writing the CSV.
    // close() never throws, and the process does not exit before the socket is closed.
    void connection.close();
  }
  const { rows, summary } = collector.finish();
  return { rows, summary, bases, url: connection.url, fieldsFile, fill: columnFill(summary.filled, rows.length, mapping) };
}

/** Warns about every attribute the mapping names that the schema does not define; never fails the export. */
async function warnUnknownAttributes(connection: DirectoryConnection, mapping: FieldMapping, fieldsFile: string, log: Logger): Promise<void> {
  try {
    const schema = await readSchemaNames(connection);
    const unknown = unknownAttributes(mapping, schema.names);
    log.debug(
      `${fieldsFile}: ${unknown.length === 0 ? 'every attribute is' : `${unknown.length} attribute(s) are not`} in the schema (${schema.names.length} attributes in ${schema.source})`,
    );
    for (const attribute of unknown) log.warn(`${fieldsFile}: ${describeUnknown(attribute)}`);
  } catch (error) {
    log.warn(`could not read the directory's schema, so the attribute names in ${fieldsFile} were not checked: ${(error as Error).message}`);
  }
}

/** The warnings an extract deserves beyond its summary: columns empty on every row or on most. */
export function extractWarnings(extract: Extract): string[] {
  return fillWarnings(extract.fill, extract.fieldsFile);
}

/** The summary lines every command that extracts prints. */
export function describeExtract(extract: Extract): string {
  const { summary } = extract;
  const lines = [
    `entries found: ${summary.entriesFound} (${extract.bases.map((b) => `${b.entries} in ${b.base}`).join('; ')})`,
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
