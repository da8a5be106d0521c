// `roster init --user`: the files init wrote made readable by the account that will run the
// scheduled job, which is rarely the administrator running init. Linux and macOS: chown (as
// root). Windows: icacls grants. When that is not allowed, the commands to run are returned.
import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { cmdCommand, shellCommand } from '../platform/commandLine.js';
import { InvalidInputError } from '../platform/errors.js';
import { lookUpAccount } from './schedule/access.js';

export interface Handover {
  done: string[];
  /** Commands the administrator still has to run (nothing was allowed, or not on this system). */
  todo: string[];
}

export function handOver(paths: readonly string[], user: string, platform: NodeJS.Platform = process.platform): Handover {
  if (platform === 'win32') return grantOnWindows(paths, user);
  const account = lookUpAccount(user);
  if (account === undefined) {
    throw new InvalidInputError(`--user ${user}: there is no such account on this machine (id ${user} fails); the files were written, owned by you`, {
      hint: 'Create the account first (e.g. useradd --system roster), or name the one the job will run as.',
    });
  }
  const done: string[] = [];
  const todo: string[] = [];
  for (const path of paths) {
    try {
      chownSync(path, account.uid, account.gids[0] ?? -1);
      done.push(path);
    } catch {
      todo.push(shellCommand(['sudo', 'chown', user, path]));
    }
  }
  return { done, todo };
}

function grantOnWindows(paths: readonly string[], user: string): Handover {
  const done: string[] = [];
  const todo: string[] = [];
  for (const path of paths) {
    // (OI)(CI) on a folder: what is put in it later (state, log, secret files) inherits the grant.
    const args = [path, '/grant', `${user}:(OI)(CI)M`];
    try {
      execFileSync('icacls', args, { stdio: 'ignore' });
      done.push(path);
    } catch {
      todo.push(cmdCommand(['icacls', ...args]));
    }
  }
  return { done, todo };
}
