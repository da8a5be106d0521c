// iLobby's part of the state folder: the last successfully pushed file per target.
import { join } from 'node:path';
import { targetFileName } from '../config/parse.js';
import { SafetyRefusal } from '../platform/errors.js';
import { checkIlobbyCsv } from './csv/readCsv.js';
import type { RowList } from '../rowstore/rowStore.js';
import { readStoredPush } from '../platform/state/pending.js';

export function lastPushFile(stateDir: string, target: string): string {
  return join(stateDir, targetFileName(target), 'last-push.csv');
}

export interface LastPush {
  rows: RowList;
  file: string;
  /** A push that went out (or may have) without being settled by its run. */
  unsettled: boolean;
}

/** The rows of the last push to `target` (a pending one if a run left it), or undefined if there was none. */
export function readLastPush(stateDir: string, target: string): LastPush | undefined {
  const stored = readStoredPush(lastPushFile(stateDir, target));
  if (stored === undefined) return undefined;
  const { rows, problems } = checkIlobbyCsv(stored.bytes);
  if (problems.length > 0) {
    // Without a readable last push the disable checks cannot be evaluated: refuse rather than guess.
    throw new SafetyRefusal(`the last push's file ${stored.file} is not readable (${problems[0]}), so the safety checks cannot be evaluated`, {
      hint: 'Restore it from a backup, or delete it to start over (the next push is then a first push, made by hand with --first-push).',
    });
  }
  return { rows, file: stored.file, unsettled: stored.unsettled };
}
