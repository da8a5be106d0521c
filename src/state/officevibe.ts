// The Officevibe target's state: the request body of the last successful push (it holds no key),
// in <stateDir>/officevibe/last-push.json, beside the iLobby targets' folders.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetyRefusal } from '../errors.js';
import { writeFileAtomic } from '../file/atomicWrite.js';
import { pushedState, type PushedState } from '../officevibe/changes.js';

export const OFFICEVIBE_TARGET = 'officevibe';

export function lastOfficevibePushFile(stateDir: string): string {
  return join(stateDir, OFFICEVIBE_TARGET, 'last-push.json');
}

/** The users, groups and memberships of the last successful push, or undefined if there was none. */
export function readLastOfficevibePush(stateDir: string): PushedState | undefined {
  const file = lastOfficevibePushFile(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: PushedState | undefined;
  try {
    state = pushedState(JSON.parse(text));
  } catch {
    state = undefined;
  }
  if (state === undefined) {
    // Without the last push the deactivation checks cannot be evaluated: refuse rather than guess.
    throw new SafetyRefusal(`the last push's file ${file} is not a readable sync request, so the safety checks cannot be evaluated`, {
      hint: 'Restore it from a backup, or delete it to start over (the next push is then checked only for an empty roster).',
    });
  }
  return state;
}

/** Records `body` as the last successful push; atomic, so a crash leaves the previous state. */
export function recordOfficevibePush(stateDir: string, body: string): void {
  mkdirSync(join(stateDir, OFFICEVIBE_TARGET), { recursive: true });
  writeFileAtomic(lastOfficevibePushFile(stateDir), body);
}
