// One run at a time per state folder. The lock file holds the owner's pid and host, and the owner
// touches it every HEARTBEAT_MS while it runs. A lock is taken over when it is provably not held:
// its process is gone (a crash, a killed task), or it has not been touched for STALE_AFTER_MS,
// which no running roster allows. The second rule also frees a lock whose pid was reused by
// another program after a reboot, and one left by another host on a shared folder.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoText, LockHeldError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { stateFolderError } from './files.js';

export interface Lock {
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export const HEARTBEAT_MS = 30_000;
export const STALE_AFTER_MS = 10 * 60_000;

/** Locks this process holds, released by a signal handler before the process exits. */
const held = new Set<Lock>();

export function acquireLock(stateDir: string, log: Logger): Lock {
  const file = join(stateDir, 'roster.lock');
  try {
    mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    throw stateFolderError(`cannot use the state folder ${stateDir}`, error);
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner));
      closeSync(fd);
      return hold(file, log);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw stateFolderError(`cannot create the lock ${file}`, error);
    }
    const owner = readOwner(file);
    const idleMs = Date.now() - touchedAt(file);
    if (owner !== undefined && isAlive(owner) && idleMs < STALE_AFTER_MS) {
      throw new LockHeldError(`another roster run (pid ${owner.pid} on ${owner.host}, since ${owner.since}) holds the lock ${file}`, {
        hint: 'Wait for it to finish. If no roster is running, delete the lock file.',
      });
    }
    const why =
      owner === undefined
        ? '(unreadable)'
        : isAlive(owner)
          ? `left by pid ${owner.pid} on ${owner.host}, not touched for ${Math.round(idleMs / 60_000)} minutes (a running roster touches it every ${HEARTBEAT_MS / 1000} s)`
          : `left by pid ${owner.pid} (no longer running)`;
    log.warn(`taking over a stale lock ${file} ${why}`);
    rmSync(file, { force: true });
  }
  throw new LockHeldError(`could not take the lock ${file}: another run took it at the same moment`);
}

function hold(file: string, log: Logger): Lock {
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Gone or unwritable: the run goes on; at worst another run takes the lock after STALE_AFTER_MS.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const lock: Lock = {
    release: () => {
      clearInterval(heartbeat);
      held.delete(lock);
      try {
        unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        // The run's outcome is known by now; a lock left behind costs the next run nothing, since
        // it names a process that will be gone, and it must not turn the outcome into a failure.
        log.warn(`could not remove the lock ${file} (${errnoText(error)}): the next run takes it over, as its process will be gone`);
      }
    },
  };
  held.add(lock);
  return lock;
}

/** Releases every lock this process holds: for a run stopped by a signal. */
export function releaseHeldLocks(): void {
  for (const lock of [...held]) lock.release();
}

function touchedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Date.now(); // removed this very moment: its owner just released it
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, host: String(owner.host), since: String(owner.since) } : undefined;
  } catch {
    // A lock file being written this very moment reads as empty; treat it as held once.
    return { pid: -1, host: 'unknown', since: 'just now' };
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === -1) return true;
  // A lock from another machine (a shared state folder) cannot be checked; its age decides.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `body` holding the state folder's lock, and releases it however `body` ends. */
export async function withLock<T>(stateDir: string, log: Logger, body: () => Promise<T>): Promise<T> {
  const lock = acquireLock(stateDir, log);
  try {
    return await body();
  } finally {
    lock.release();
  }
}
