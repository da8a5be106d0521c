// Writes a file so that readers see either the old content or the new, never a half-written
// file: write a temporary file beside it, flush it to disk, then rename it over the target.
// The files roster writes hold personal data (names, emails, phone numbers): they are readable by
// their owner only (0600), and a tighter mode an administrator gave the file before is kept.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** `content` may come in pieces (a large CSV, a piece at a time), so it never has to be one string. */
export function writeFileAtomic(path: string, content: string | Uint8Array | Iterable<string | Uint8Array>): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = modeFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', mode);
    fchmodSync(fd, mode); // exactly this mode, whatever the umask
    const pieces = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
    for (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** Owner read and write at most; no more than the file already allows (an admin's 0400 stays 0400). */
export const PRIVATE_FILE_MODE = 0o600;

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
