// Writes a file so that readers see either the old content or the new, never a half-written
// file: write a temporary file beside it, flush it to disk, then rename it over the target.
// The files roster writes hold personal data (names, emails, phone numbers): they are readable by
// their owner only (0600), and a tighter mode an administrator gave the file before is kept.
//
// Only a regular file (or none yet) is replaced that way. A path an operator gives may be
// something else, and replacing it would destroy it: a symlink is followed and its target
// written; a FIFO or a character device (/dev/stdout, /dev/null, a pipe from `>(…)`) is written
// in place, as a shell's `>` would; anything else (a folder, a socket, a block device) is refused.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from './errors.js';

type Content = string | Uint8Array | Iterable<string | Uint8Array>;

/** `content` may come in pieces (a large CSV, a piece at a time), so it never has to be one string. */
export function writeFileAtomic(path: string, content: Content): void {
  const target = outputTarget(path);
  if (target.write === 'in place') {
    writeInPlace(target, content);
    return;
  }
  const file = target.path;
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = modeFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', mode);
    fchmodSync(fd, mode); // exactly this mode, whatever the umask
    writePieces(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(file));
}

/** Owner read and write at most; no more than the file already allows (an admin's 0400 stays 0400). */
export const PRIVATE_FILE_MODE = 0o600;

/** How a path is written: a regular file (or none yet) replaced atomically, or a stream written in place. */
export type OutputTarget =
  | { write: 'replace'; path: string }
  /** `fd`: the path is this process's own stdout or stderr, written through it. */
  | { write: 'in place'; path: string; fd?: number };

/**
 * Where writing `path` goes, following symlinks; a folder, socket or block device is refused
 * (exit 2). `option` names the path in the message (e.g. "--report").
 */
export function outputTarget(path: string, option?: string): OutputTarget {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { write: 'replace', path: linkDestination(path) }; // nothing there yet, or a symlink to nothing yet
  }
  const stream = standardStream(stats);
  if (stream !== undefined) return { write: 'in place', path, fd: stream };
  if (stats.isFile()) return { write: 'replace', path: realpathSync(path) };
  if (stats.isFIFO() || stats.isCharacterDevice()) return { write: 'in place', path };
  const what = stats.isDirectory() ? 'a folder' : stats.isSocket() ? 'a socket' : stats.isBlockDevice() ? 'a block device' : 'not a file';
  throw new InvalidInputError(`${option === undefined ? '' : `${option} `}${path} is ${what}: roster writes a file there, and will not replace it`, {
    hint: 'Name a file (it is replaced whole, or created), a FIFO, or a character device such as /dev/stdout.',
  });
}

/** Refuses, before a run does anything, an output path it could not write (a folder, a socket…). */
export function checkOutputPath(path: string | undefined, option: string): void {
  if (path === undefined) return;
  try {
    outputTarget(path, option);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    // Anything else (a folder that does not exist, no permission) is said when the file is written.
  }
}

/**
 * Opens a FIFO or character device for writing. A FIFO no process reads would block the run for
 * ever: it is opened without blocking first, which fails at once when nobody reads (exit 2); that
 * open is held until the blocking one has succeeded, so the reader never sees an early end.
 */
export function openInPlace(path: string, option?: string): number {
  if (process.platform === 'win32' || !statSync(path).isFIFO()) return openSync(path, 'w');
  let probe: number;
  try {
    probe = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    throw new InvalidInputError(`${option === undefined ? '' : `${option} `}${path} is a FIFO that no process is reading: writing it would wait for ever`, {
      hint: 'Start the reader first, or name a file.',
    });
  }
  try {
    return openSync(path, constants.O_WRONLY);
  } finally {
    closeSync(probe);
  }
}

function writeInPlace(target: { path: string; fd?: number }, content: Content): void {
  if (target.fd !== undefined) {
    writePieces(target.fd, content);
    return;
  }
  const fd = openInPlace(target.path);
  try {
    writePieces(fd, content);
  } finally {
    closeSync(fd);
  }
}

function writePieces(fd: number, content: Content): void {
  const pieces = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  }
}

/** stdout (1) or stderr (2) when `stats` is the very file one of them is: `--report /dev/stdout > run.json`. */
function standardStream(stats: Stats): number | undefined {
  for (const fd of [1, 2]) {
    try {
      const stream = fstatSync(fd);
      if (stream.dev === stats.dev && stream.ino === stats.ino) return fd;
    } catch {
      // closed: not this one
    }
  }
  return undefined;
}

/** Where a path that does not exist would be created: itself, or the end of its chain of symlinks. */
function linkDestination(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!lstatSync(current).isSymbolicLink()) return current;
      link = readlinkSync(current);
    } catch {
      return current; // nothing there: this is where the file goes
    }
    current = resolve(dirname(current), link);
  }
  return current; // a loop: the write fails and says so (ELOOP)
}

function modeFor(path: string): number {
  // Windows keeps only a read-only flag in these bits; who may read the file is its folder's ACL.
  if (process.platform === 'win32') return PRIVATE_FILE_MODE;
  try {
    return statSync(path).mode & PRIVATE_FILE_MODE;
  } catch {
    return PRIVATE_FILE_MODE; // no file yet (or none we can see): a new one
  }
}

/** Makes the rename itself durable. Windows cannot open a folder for this; there it is skipped. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: the data is already flushed; only the rename's durability is at stake.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
