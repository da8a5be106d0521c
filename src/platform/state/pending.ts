// A push is recorded in two steps, so that a run that cannot finish recording it is known to the
// next run. Before the upload the file being sent is written beside the last push as
// pending-push.<ext>; once the service has accepted it, it is renamed over last-push.<ext> (one
// atomic step). A pending file found later is a push that went out, or may have, without being
// settled: the next run compares with it, since that is what the service most likely holds.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { errnoText, PushNotRecordedError } from '../errors.js';
import { writeFileAtomic } from '../atomicWrite.js';
import { readStateFile, stateFolderError } from './files.js';

/** Targets whose upload has started in this process and is not settled: what an interrupted run reports. */
const inFlight = new Set<string>();

export interface StoredPush {
  bytes: Buffer;
  file: string;
  /** True when this is a pending push a run could not settle. */
  unsettled: boolean;
}

export function pendingFileFor(lastPushFile: string): string {
  return join(dirname(lastPushFile), `pending-push${extname(lastPushFile)}`);
}

/** The last push, or the pending one if a run left it; undefined before the first push. */
export function readStoredPush(lastPushFile: string): StoredPush | undefined {
  const pending = pendingFileFor(lastPushFile);
  const unsettled = readStateFile(pending);
  if (unsettled !== undefined) return { bytes: unsettled, file: pending, unsettled: true };
  const bytes = readStateFile(lastPushFile);
  return bytes === undefined ? undefined : { bytes, file: lastPushFile, unsettled: false };
}

/** Writes what is about to be sent as the pending push; a state folder that cannot take it stops the run before anything is sent. */
export function beginPush(target: string, lastPushFile: string, content: Uint8Array | string): void {
  const pending = pendingFileFor(lastPushFile);
  try {
    mkdirSync(dirname(pending), { recursive: true });
    writeFileAtomic(pending, content);
  } catch (error) {
    throw stateFolderError(`cannot write ${pending} before the upload (nothing was sent)`, error);
  }
  inFlight.add(target);
}

/** The service accepted the push: it becomes the last push. */
export function settlePush(target: string, lastPushFile: string): void {
  const pending = pendingFileFor(lastPushFile);
  try {
    renameSync(pending, lastPushFile);
  } catch (error) {
    throw new PushNotRecordedError(
      `${target}: the upload went through, but roster could not record it as the last push (${basename(lastPushFile)} in ${dirname(lastPushFile)}): ${errnoText(error)}`,
      {
        hint: `Make the state folder writable again. The next run compares with ${pending}, the file that was sent; do not delete it.`,
        cause: error,
      },
    );
  } finally {
    inFlight.delete(target);
  }
}

/** The upload failed: the service did not take the file, so it is not what it holds. */
export function abandonPush(target: string, lastPushFile: string): void {
  inFlight.delete(target);
  try {
    rmSync(pendingFileFor(lastPushFile), { force: true });
  } catch {
    // The run already fails with the upload's error, which is what the operator must see. A
    // pending file left behind makes the next run compare with a push the service never took
    // (and warn that it does so); that is the rare cost of a state folder that lets roster write
    // a file but not delete it.
  }
}

export function uploadsInFlight(): string[] {
  return [...inFlight];
}
