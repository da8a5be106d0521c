// The Officevibe job: files → checks → request → dump → safety checks → service → state.
// Nothing is sent unless every file is valid and the safety checks pass.
import { resolve } from 'node:path';
import { firstPushWarning, NAMES_SHOWN, UNKNOWN_BEFORE_FIRST_PUSH } from '../safety/guards.js';
import { errnoText, InvalidInputError, SafetyRefusal } from '../platform/errors.js';
import { writeFileAtomic } from '../platform/atomicWrite.js';
import type { Logger } from '../platform/log/logger.js';
import { redact } from '../platform/log/redact.js';
import { pushedState } from './changes.js';
import { requirePushSettings, type OfficevibeConfig } from './config.js';
import { readApiKey, readOfficevibeFiles, warnAboutKeyInText } from './load.js';
import { buildSyncRequest, serializeRequest, type SyncRequest } from './request.js';
import { validateFiles } from './validate.js';
import { evaluateOfficevibeGuards, officevibeChanges, officevibeChangeLines } from './guards.js';
import type { SyncAnswer } from './api/answer.js';
import { postSync } from './api/sync.js';
import { lastOfficevibePushFile, OFFICEVIBE_TARGET, readLastOfficevibePush } from './state.js';
import { abandonPush, beginPush, settlePush } from '../platform/state/pending.js';

export interface OfficevibePushOptions {
  dryRun: boolean;
  force: boolean;
  /** Allow a push with no earlier push to compare with. */
  firstPush: boolean;
  ignoreEncoding: boolean;
  /** Where to write the request body, or undefined for no dump. */
  dumpFile: string | undefined;
}

export interface OfficevibePushResult {
  outcome: 'pushed' | 'dry-run';
  users: number;
  groups: number;
  mappings: number;
  added: number;
  /** People kept (same email) with another id, name or job title. */
  changed: number;
  /** null for a first push, which cannot know. */
  deactivated: number | null;
  /** No earlier push to compare with. */
  firstPush: boolean;
  /** The first people who would be deactivated, by email. */
  deactivatedExamples: string[];
  groupsRemoved: number;
  groupsRemovedExamples: string[];
  dump: string | undefined;
  /** Errors the service listed although it reported success. */
  serviceErrors: string[];
  message: string;
}

const PROBLEMS_SHOWN = 30;

export async function pushToOfficevibe(config: OfficevibeConfig, options: OfficevibePushOptions, log: Logger): Promise<OfficevibePushResult> {
  const settings = requirePushSettings(config);
  warnAboutKeyInText(settings.apiKey, log);
  const keySource =
    settings.apiKey.kind === 'env'
      ? `the environment variable ${settings.apiKey.name} (ApiKeyEnv)`
      : settings.apiKey.kind === 'file'
        ? `the file ${settings.apiKey.path} (ApiKeyFile)`
        : `ApiKey in ${config.file}`;
  log.debug(`config ${config.file}: sync to ${settings.syncUrl}, key from ${keySource}, state in ${config.stateDir}`);
  log.debug(
    `files: ${config.files.users}, ${config.files.groups}, ${config.files.mappings}${options.ignoreEncoding ? ' (BOM not required: --ignore-encoding)' : ' (UTF-8 with BOM required)'}`,
  );
  const { tables, problems: fileProblems } = readOfficevibeFiles(config, { ignoreEncoding: options.ignoreEncoding }, log);
  if (tables === undefined || fileProblems.length > 0) throw invalidFiles(fileProblems);
  const { data, problems } = validateFiles(tables);
  if (problems.length > 0) throw invalidFiles(problems);
  log.debug(
    `files valid: ${data.users.length} users, ${data.groups.length} groups, ${data.mappings.length} mappings; every reference resolves, no nesting cycle`,
  );

  const request = buildSyncRequest({ syncManagerEmail: settings.syncManagerEmail, inviteNewUsers: config.inviteNewUsers }, data);
  const body = serializeRequest(request);
  const dump = options.dumpFile === undefined ? undefined : writeDump(options.dumpFile, body, log);
  const { counts, preview } = checkSafety(config, request, options, log);

  const summary = `${counts.users} users, ${counts.groups} groups, ${counts.mappings} mappings (${counts.added} new, ${counts.changed} changed, ${counts.deactivated === null ? `to be deactivated: ${UNKNOWN_BEFORE_FIRST_PUSH}` : `${counts.deactivated} to be deactivated`}; new users ${config.inviteNewUsers ? 'are invited' : 'are not invited: InviteNewUsers is false'})${preview}`;
  if (options.dryRun) {
    return { outcome: 'dry-run', ...counts, dump, serviceErrors: [], message: `officevibe: dry run, nothing sent: ${summary}` };
  }
  const apiKey = readApiKey(settings.apiKey);
  const lastPush = lastOfficevibePushFile(config.stateDir);
  beginPush(OFFICEVIBE_TARGET, lastPush, { bytes: Buffer.from(body, 'utf8'), rows: request.users.length });
  let answer: SyncAnswer;
  try {
    answer = await postSync({ url: settings.syncUrl, apiKey, keySource, caFile: config.caFile }, body, log);
  } catch (error) {
    abandonPush(OFFICEVIBE_TARGET, lastPush);
    throw error;
  }
  settlePush(OFFICEVIBE_TARGET, lastPush); // a failure here is exit 8: pushed, but not recorded
  log.debug(`recorded as the last successful push: ${lastPush}`);
  for (const error of answer.errors) log.warn(`officevibe: the service accepted the sync but reported: ${error}`);
  return { outcome: 'pushed', ...counts, dump, serviceErrors: answer.errors, message: `officevibe: pushed ${summary}` };
}

/** Writes the request body where --dump-request says, before the safety checks, so a refused push can be looked at. */
function writeDump(file: string, body: string, log: Logger): string {
  const dump = resolve(file);
  try {
    writeFileAtomic(dump, redact(body)); // the body never holds the key; redact() makes sure of it
  } catch (error) {
    throw new InvalidInputError(`cannot write the request dump ${dump}: ${errnoText(error)}`, {
      hint: 'Run from a folder the account may write to, or name another file: --dump-request FILE. Nothing was sent.',
      cause: error,
    });
  }
  log.info(`request written to ${dump} (${Buffer.byteLength(body)} bytes, no API key in it)`);
  return dump;
}

/** The safety checks against the last successful push; throws SafetyRefusal (exit 4) when they refuse. */
function checkSafety(config: OfficevibeConfig, request: SyncRequest, flags: { force: boolean; firstPush: boolean }, log: Logger) {
  const last = readLastOfficevibePush(config.stateDir);
  if (last?.unsettled) log.warn(`officevibe: an earlier run's push was not recorded as settled; comparing with the request it sent, ${last.file}`);
  if (last?.warning !== undefined) log.warn(`officevibe: ${last.warning}`);
  const previous = last?.state;
  const current = pushedState(request);
  if (current === undefined) throw new Error('a built sync request has no users list'); // a bug: buildSyncRequest always makes one
  const changes = officevibeChanges(previous, current);
  const preview = previous === undefined ? ['  no previous push to compare with: only the empty-roster check applies'] : officevibeChangeLines(changes);
  log.debug(
    `against the last push (${previous?.users.length ?? 0} users, ${previous?.groups.length ?? 0} groups), people matched by email:\n${preview.join('\n')}`,
  );
  if (request.users.length === 0) {
    throw new SafetyRefusal(
      `officevibe: refused: ${config.files.users} has no users: Officevibe would deactivate everyone${previous ? ` (all ${previous.users.length} people of the last push)` : ''}`,
      {
        hint: 'Check how the file was made; --force does not push an empty roster.',
      },
    );
  }
  const verdict = evaluateOfficevibeGuards(previous, current, changes, config.safety, { force: flags.force, firstPush: flags.firstPush });
  if (verdict.fatal !== undefined) throw new SafetyRefusal(`officevibe: refused: ${verdict.fatal}`, { hint: '--force does not push an empty roster.' });
  if (verdict.firstPushRefused) {
    throw new SafetyRefusal(`officevibe: refused: this is the first push from ${config.stateDir}: ${firstPushWarning('user')}`, {
      hint: 'Look at the request (--dry-run --first-push --dump-request). If the files hold everyone, push once by hand with --first-push; later runs compare with that push.',
    });
  }
  if (!verdict.allowed) {
    throw new SafetyRefusal(`officevibe: refused:\n  - ${verdict.thresholds.join('\n  - ')}`, {
      hint: `Look at ${config.files.users}, ${config.files.groups} and ${config.files.mappings}. If these changes are intended, run again with --force (or raise the limits under "safety").`,
    });
  }
  for (const threshold of verdict.thresholds) log.warn(`officevibe: --force overrides: ${threshold}`);
  if (previous === undefined) log.warn(`officevibe: first push: ${firstPushWarning('user')}`);
  const { users, groups } = changes;
  return {
    counts: {
      users: request.users.length,
      groups: request.groups.length,
      mappings: request.mappings.length,
      added: users.added.length,
      changed: users.changed.length,
      deactivated: previous === undefined ? null : users.deactivated.length,
      firstPush: previous === undefined,
      deactivatedExamples: users.deactivated.slice(0, NAMES_SHOWN).map((user) => user.email),
      groupsRemoved: groups.removed.length,
      groupsRemovedExamples: groups.removed.slice(0, NAMES_SHOWN).map((group) => group.name || group.id),
    },
    preview: previous === undefined ? `\n  first push (--first-push): ${firstPushWarning('user')}` : `\n${preview.join('\n')}`,
  };
}

function invalidFiles(problems: string[]): InvalidInputError {
  const shown = problems.slice(0, PROBLEMS_SHOWN);
  const more = problems.length > PROBLEMS_SHOWN ? `\n  - … and ${problems.length - PROBLEMS_SHOWN} more` : '';
  return new InvalidInputError(`the Officevibe files cannot be sent; nothing was sent:\n  - ${shown.join('\n  - ')}${more}`, {
    hint: 'Fix these lines (or the way the files are made) and run again.',
  });
}
