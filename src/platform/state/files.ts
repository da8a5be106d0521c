// Reading the state folder's files, and the one error for a state folder roster cannot use.
import { readFileSync } from 'node:fs';
import { errnoText, StateFolderError } from '../errors.js';

/** A file of the state folder, or undefined if it does not exist; anything else is a state-folder fault (exit 2). */
export function readStateFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateFolderError(`cannot read ${file}`, error);
  }
}

export function stateFolderError(what: string, error: unknown): StateFolderError {
  return new StateFolderError(`${what}: ${errnoText(error)}`, {
    hint: 'stateDir in the config must be a folder the account running roster can read and write; check that path and its permissions.',
    cause: error,
  });
}
