// roster officevibe export: directory → users.csv, groups.csv, groups-mapping.csv, in the format
// `officevibe push` (and the original tool) reads. People come from the same search as roster's
// own export; groups from export.groups, their members read in full (ranged retrieval).
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { connectDirectory } from '../directory/connect.js';
import { buildGroupFilter } from '../directory/filter.js';
import { findGroups, readGroup, type DirectoryGroup } from '../directory/groups.js';
import { describeLeftOut, type LeftOut } from '../directory/leftOut.js';
import { peopleQuery, preparePeopleSearch, searchPeople } from '../directory/people.js';
import { describeBases, type SearchBaseResult } from '../directory/search.js';
import { errnoText, InvalidInputError } from '../platform/errors.js';
import { writeFileAtomic } from '../platform/atomicWrite.js';
import type { Logger } from '../platform/log/logger.js';
import { pushedState } from './changes.js';
import { officevibeChangeLines, officevibeChanges } from './guards.js';
import { requireExportSettings, USER_COLUMNS, type OfficevibeConfig } from './config.js';
import { buildGroupExport, type GroupExport } from './directoryGroups.js';
import { OfficevibeUserCollector, userAttributeUses, type DirectoryUser, type UserSummary } from './directoryUsers.js';
import { formatTable, GROUPS_SPEC, MAPPINGS_SPEC } from './files.js';
import { readLastOfficevibePush } from './state.js';

export interface OfficevibeExportResult {
  files: { users: string; groups: string; mappings: string };
  directory: string;
  bases: SearchBaseResult[];
  leftOut: LeftOut[];
  summary: UserSummary;
  groups: GroupExport['reports'];
  mappings: number;
  /** Against the last successful push, when there was one. */
  changes: string[] | undefined;
  /** The summary for people. */
  lines: string[];
}

export async function exportOfficevibeFiles(config: OfficevibeConfig, outDir: string | undefined, log: Logger): Promise<OfficevibeExportResult> {
  const { directory, groups: selection } = requireExportSettings(config);
  // The same people as roster's own export (ilobby/extract.ts): filter, account state, memberOf.
  // Both filters are checked before connecting: a malformed one is a config fault (exit 2).
  const query = peopleQuery(directory, config.file, userAttributeUses(config.export));
  const groups: { dns: string[] } | { filter: string; searchBases: string[] | undefined } =
    selection.kind === 'dns' ? { dns: selection.dns } : { filter: buildGroupFilter(selection.filter, config.file), searchBases: selection.searchBases };

  const connection = await connectDirectory(directory, log);
  const collector = new OfficevibeUserCollector(config.export.users, config.export.picks);
  let bases: SearchBaseResult[];
  let leftOut: LeftOut[];
  const read: DirectoryGroup[] = [];
  try {
    const search = await preparePeopleSearch(connection, query, log);
    ({ bases, leftOut } = await searchPeople(connection, search, (record) => collector.add(record), log));
    const dns =
      'dns' in groups
        ? groups.dns
        : await findGroups(
            connection,
            {
              filter: groups.filter,
              searchBases: groups.searchBases ?? directory.searchBases,
              pageSize: directory.pageSize,
              timeoutSeconds: directory.timeoutSeconds,
            },
            log,
          );
    log.debug(`groups: ${dns.length} (${selection.kind === 'dns' ? 'export.groups.dns' : 'export.groups.filter'})`);
    for (const dn of dns) read.push(await readGroup(connection, dn, directory.timeoutSeconds, log));
  } finally {
    await connection.close();
  }

  const { users, summary } = collector.finish();
  const groupExport = buildGroupExport(read, users);
  if (groupExport.cycles.length > 0) {
    throw new InvalidInputError(
      `the exported groups are nested in a cycle, which Officevibe's teams cannot be; nothing was written:\n  - ${groupExport.cycles
        .map((cycle) => cycle.path.map((id) => read.find((g) => g.id === id)?.dn ?? id).join(' ⊃ '))
        .join('\n  - ')}`,
      {
        hint: 'Remove one of these nestings in the directory, or leave one of the groups out of export.groups.',
      },
    );
  }
  for (const problem of groupExport.managerProblems) log.warn(problem);

  // Each file is replaced atomically; the mappings go last, so a run cut short leaves old mappings
  // that no longer match the new users or groups, which push refuses, rather than a silent mixture.
  const files = outputFiles(config, outDir);
  // A column no attribute fills is left out rather than written empty: Officevibe is sent no value
  // for it, instead of an empty one that could clear what people set there themselves.
  const columns = USER_COLUMNS.filter((column) => config.export.users[column].length > 0);
  writeOutput(
    files.users,
    formatTable(
      columns,
      users.map((user) => columns.map((column) => user.values[column])),
    ),
    outDir,
  );
  writeOutput(
    files.groups,
    formatTable(
      GROUPS_SPEC.columns,
      groupExport.groups.map((group) => [group.id, group.name]),
    ),
    outDir,
  );
  writeOutput(
    files.mappings,
    formatTable(
      MAPPINGS_SPEC.columns,
      groupExport.mappings.map((m) => [m.groupId, m.userId ?? '', m.subGroupId ?? '', csvBoolean(m.isMember), csvBoolean(m.isManager)]),
    ),
    outDir,
  );
  if (users.length === 0) log.warn('no users: users.csv has only its header; officevibe push would refuse it');

  const changes = changesAgainstLastPush(config, users, groupExport);
  return {
    files,
    directory: connection.url,
    bases,
    leftOut,
    summary,
    groups: groupExport.reports,
    mappings: groupExport.mappings.length,
    changes,
    lines: describeExport(bases, leftOut, summary, groupExport, files, changes),
  };
}

/** The configured files, or the same names in --out-dir. */
function outputFiles(config: OfficevibeConfig, outDir: string | undefined): OfficevibeExportResult['files'] {
  if (outDir === undefined) return config.files;
  const dir = resolve(outDir);
  return {
    users: join(dir, basename(config.files.users)),
    groups: join(dir, basename(config.files.groups)),
    mappings: join(dir, basename(config.files.mappings)),
  };
}

/** Creates the folder (the Data folder may not exist yet); a path that cannot be written is exit 2. */
function writeOutput(file: string, content: string, outDir: string | undefined): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, content);
  } catch (error) {
    throw new InvalidInputError(`cannot write ${file}: ${errnoText(error)}`, {
      hint:
        outDir === undefined
          ? 'Check UsersFile, GroupsFile and GroupsMappingFile: their folder must be writable by the account running roster.'
          : 'Check --out-dir: it must be writable by the account running roster.',
      cause: error,
    });
  }
}

function csvBoolean(value: boolean | null): string {
  return value === null ? '' : value ? 'TRUE' : 'FALSE';
}

/** What pushing these files would change, by the same rules as officevibe push; undefined before the first push. */
function changesAgainstLastPush(config: OfficevibeConfig, users: readonly DirectoryUser[], groups: GroupExport): string[] | undefined {
  const previous = readLastOfficevibePush(config.stateDir)?.state;
  if (previous === undefined) return undefined;
  const current = pushedState({ users: users.map((user) => user.values), groups: groups.groups, mappings: groups.mappings });
  return current === undefined ? undefined : officevibeChangeLines(officevibeChanges(previous, current));
}

function describeExport(
  bases: SearchBaseResult[],
  leftOut: readonly LeftOut[],
  summary: UserSummary,
  groups: GroupExport,
  files: OfficevibeExportResult['files'],
  changes: OfficevibeExportResult['changes'],
): string[] {
  const lines = [`entries found: ${summary.entriesFound} (${describeBases(bases)})`, ...describeLeftOut(leftOut), `users written: ${summary.usersWritten}`];
  const reasons: [keyof UserSummary['skipped'], string][] = [
    ['noId', 'no id'],
    ['noEmail', 'no email'],
    ['invalidEmail', 'invalid email'],
    ['duplicateId', 'duplicate id'],
    ['duplicateEmail', 'duplicate email'],
  ];
  for (const [reason, label] of reasons) {
    if (summary.skipped[reason] > 0) lines.push(`skipped (${label}): ${summary.skipped[reason]}, e.g. ${summary.examples[reason].join('; ')}`);
  }
  lines.push(`groups written: ${groups.groups.length}, mappings: ${groups.mappings.length}`);
  for (const group of groups.reports) {
    lines.push(
      `  ${group.name}: ${group.members} members${group.manager ? `, manager ${group.manager}` : ''}${group.subGroups ? `, ${group.subGroups} nested group${group.subGroups === 1 ? '' : 's'}` : ''}${
        group.notExported ? `; ${group.notExported} members left out (not exported users or groups), e.g. ${group.notExportedExamples.join('; ')}` : ''
      }`,
    );
  }
  lines.push(`files: ${files.users}, ${files.groups}, ${files.mappings}`);
  lines.push(
    ...(changes === undefined ? ['officevibe: no previous push to compare with'] : ['officevibe, against the last push (people by email):', ...changes]),
  );
  return lines;
}
