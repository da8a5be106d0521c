// Can the account a job runs as read the files the job needs? On Linux and macOS from the owner,
// group and mode of each file and of every folder above it (a folder must be searchable, x, to
// reach what it holds). Windows ACLs are not read here: the schedule output gives the icacls
// command instead.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { shellCommand } from '../../platform/commandLine.js';

export interface Account {
  name: string;
  uid: number;
  gids: number[];
}

/** The account's uid and groups from `id`, or undefined when this machine has no such account. */
export function lookUpAccount(name: string): Account | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(uid) ? { name, uid, gids } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `account` has the permission `bit` (4 read, 1 search) on a file with these owner and mode. Pure. */
export function permits(stats: Pick<Stats, 'uid' | 'gid' | 'mode'>, account: Account, bit: 4 | 1): boolean {
  if (account.uid === 0) return true;
  const shift = stats.uid === account.uid ? 6 : account.gids.includes(stats.gid) ? 3 : 0;
  return ((stats.mode >> shift) & bit) !== 0;
}

/**
 * For each existing path the account cannot read, one sentence saying what stops it (the file, or
 * a folder above it it cannot enter) and what to run. Paths that do not exist yet are skipped:
 * roster creates them (the CSV, the log, the state folder).
 */
export function unreadablePaths(paths: readonly string[], account: Account): string[] {
  const problems: string[] = [];
  /** A folder the account cannot enter, with the paths it keeps it from: one sentence per folder. */
  const blockedBy = new Map<string, string[]>();
  for (const path of new Set(paths)) {
    if (!existsSync(path)) continue;
    const blocked = blockingFolder(path, account);
    if (blocked !== undefined) blockedBy.set(blocked, [...(blockedBy.get(blocked) ?? []), path]);
    else if (!permits(statSync(path), account, 4))
      problems.push(`${account.name} cannot read ${path} (${describeMode(statSync(path))}); e.g. ${shellCommand(['chown', account.name, path])}`);
  }
  for (const [folder, hidden] of blockedBy) {
    problems.unshift(
      `${account.name} cannot enter ${folder} (${describeMode(statSync(folder))}), so cannot reach ${hidden.join(', ')}; e.g. ${shellCommand(['chmod', 'o+x', folder])}`,
    );
  }
  return problems;
}

function blockingFolder(path: string, account: Account): string | undefined {
  const folders: string[] = [];
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  return folders.find((folder) => !permits(statSync(folder), account, 1));
}

function describeMode(stats: Stats): string {
  return `owner uid ${stats.uid}, group gid ${stats.gid}, mode ${(stats.mode & 0o777).toString(8).padStart(3, '0')}`;
}
