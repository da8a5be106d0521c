// directory → records → rows: reads the directory and maps every entry, in one pass.
import type { DirectoryConfig, RosterConfig } from '../config/types.js';
import { ConfigError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { connectDirectory } from '../directory/connect.js';
import { buildFilter } from '../directory/filter.js';
import { searchDirectory, type SearchBaseResult, type SearchRequest } from '../directory/search.js';
import { attributesNeeded, type FieldMapping } from '../mapping/fields.js';
import { loadFieldMapping } from '../mapping/loadFields.js';
import { RowCollector, type RowSummary } from '../rowstore/collector.js';
import type { RowList } from '../rowstore/rowStore.js';

export interface Extract {
  rows: RowList;
  summary: RowSummary;
  bases: SearchBaseResult[];
  /** The domain controller that answered. */
  url: string;
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
  const filter = buildFilter(directory.filter, { configFile: config.file, memberOf: directory.memberOf, notExpiredAt: directory.excludeExpired ? new Date() : undefined });
  const attributes = attributesNeeded(mapping);
  const request = { searchBases: directory.searchBases, filter, attributes, pageSize: directory.pageSize, timeoutSeconds: directory.timeoutSeconds };
  return { directory, fieldsFile, mapping, request };
}

export async function extractRows(config: RosterConfig, log: Logger): Promise<Extract> {
  const { directory, fieldsFile, mapping, request } = planSearch(config);
  log.debug(`mapping from ${fieldsFile}`);
  log.debug(`filter ${request.filter}; attributes ${request.attributes.join(', ')}`);

  const connection = await connectDirectory(directory, log);
  const collector = new RowCollector(mapping);
  let bases: SearchBaseResult[];
  try {
    bases = await searchDirectory(connection, request, (record) => collector.add(record), log);
  } finally {
    // Not awaited: the unbind and the socket's close overlap sorting and writing the CSV.
    // close() never throws, and the process does not exit before the socket is closed.
    void connection.close();
  }
  return { ...collector.finish(), bases, url: connection.url };
}

/** The summary lines every command that extracts prints. */
export function describeExtract(extract: Extract): string {
  const { summary } = extract;
  const lines = [
    `entries found: ${summary.entriesFound} (${extract.bases.map((b) => `${b.entries} in ${b.base}`).join('; ')})`,
    `rows written:  ${summary.rowsWritten}`,
  ];
  const reasons: [keyof RowSummary['skipped'], string][] = [
    ['noEmail', 'no email'], ['invalidEmail', 'invalid email'], ['duplicateEmail', 'duplicate email'], ['notAllowed', 'value not allowed'],
  ];
  for (const [reason, label] of reasons) {
    if (summary.skipped[reason] === 0) continue;
    lines.push(`skipped (${label}): ${summary.skipped[reason]}, e.g. ${summary.examples[reason].join('; ')}`);
  }
  const warnings: [keyof RowSummary['warnings'], string][] = [
    ['phoneNotNormalized', 'phone number left as it was (not a valid number)'], ['truncated', 'value cut to maxLength'],
  ];
  for (const [reason, label] of warnings) {
    if (summary.warnings[reason] === 0) continue;
    lines.push(`warning (${label}): ${summary.warnings[reason]}, e.g. ${summary.warningExamples[reason].join('; ')}`);
  }
  return lines.join('\n');
}
