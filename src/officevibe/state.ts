// The Officevibe target's state: the request body of the last successful push (it holds no key),
// in <stateDir>/officevibe/last-push.json, beside the iLobby targets' folders; recorded in two
// steps like theirs (pending.ts) and checked against its record (row count and checksum).
import { join } from 'node:path';
import { BaselineMismatchError } from '../platform/errors.js';
import { pushedState, type PushedState } from './changes.js';
import { checkStoredPush, readStoredPush } from '../platform/state/pending.js';
import { lastReportedPush } from '../platform/state/reports.js';

export const OFFICEVIBE_TARGET = 'officevibe';

export function lastOfficevibePushFile(stateDir: string): string {
  return join(stateDir, OFFICEVIBE_TARGET, 'last-push.json');
}

export interface LastOfficevibePush {
  state: PushedState;
  file: string;
  /** A push that went out (or may have) without being settled by its run. */
  unsettled: boolean;
  /** Something the operator should know about this baseline (it could not be checked). */
  warning?: string;
}

/** The users, groups and memberships of the last push (a pending one if a run left it), or undefined if there was none. */
export function readLastOfficevibePush(stateDir: string): LastOfficevibePush | undefined {
  const stored = readStoredPush(lastOfficevibePushFile(stateDir));
  if (stored === undefined) return undefined;
  let state: PushedState | undefined;
  try {
    state = pushedState(JSON.parse(stored.bytes.toString('utf8')));
  } catch {
    state = undefined;
  }
  if (state === undefined) {
    // Without the last push the deactivation checks cannot be evaluated: refuse rather than guess.
    throw new BaselineMismatchError(`the last push's file ${stored.file} is not a readable sync request, so the safety checks cannot be evaluated`, {
      hint: 'Restore it from a backup, or delete it and last-push.record.json beside it to start over (the next push is then a first push, made by hand with --first-push).',
    });
  }
  const { warning } = checkStoredPush(stored, state.users.length, () =>
    lastReportedPush(stateDir, (report) =>
      report.command === 'officevibe-push' && report.outcome === 'pushed' && typeof report.users === 'number' ? report.users : undefined,
    ),
  );
  return { state, file: stored.file, unsettled: stored.unsettled, ...(warning === undefined ? {} : { warning }) };
}
