// Makes a folder truly read-only while a test runs, as a disk remounted read-only or `chattr +i`
// would. Tests run as root, which ignores permission bits, so chmod proves nothing: the folder and
// everything in it are made immutable (`chattr +i`, ext4, xfs, btrfs), or, where the file system
// has no such flag (overlayfs, tmpfs), bind-mounted read-only over itself.
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Freezes `folder`; the function returned thaws it. Throws when neither way works here. */
export function freezeFolder(folder: string): () => void {
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' });
  try {
    run('chattr', ['-R', '+i', folder]);
    if (cannotWrite(folder)) return () => run('chattr', ['-R', '-i', folder]);
    run('chattr', ['-R', '-i', folder]);
  } catch {
    // no immutable flag on this file system: try a read-only bind mount
  }
  try {
    run('mount', ['--bind', folder, folder]);
    run('mount', ['-o', 'remount,bind,ro', folder]);
    if (cannotWrite(folder)) return () => run('umount', [folder]);
    run('umount', [folder]);
  } catch (error) {
    throw new Error(`cannot make ${folder} read-only here (needs root, and chattr +i or mount --bind): ${(error as Error).message}`, { cause: error });
  }
  throw new Error(`${folder} stays writable after chattr +i and a read-only bind mount`);
}

function cannotWrite(folder: string): boolean {
  const probe = join(folder, '.write-probe');
  try {
    writeFileSync(probe, '');
    rmSync(probe);
    return false;
  } catch {
    return true;
  }
}
