// A push is recorded in two steps, so that a run that cannot finish recording it is known to the
// next run. Before the upload the file being sent is written beside the last push as
// pending-push.<ext>, with its record (pushRecord.ts: row count and checksum); once the service has
// accepted it, both are renamed over last-push.<ext> and its record. A pending file found later is
// a push that went out, or may have, without being settled: the next run compares with it, since
// that is what the service most likely holds.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { BaselineMismatchError, errnoText, PushNotRecordedError } from '../errors.js';
import { writeFileAtomic } from '../atomicWrite.js';
import { readStateFile, stateFolderError } from './files.js';
import { checkRecordedPush, pushRecordOf, readPushRecord, recordFileFor, writePushRecord, type PushRecord, type ReportedPush } from './pushRecord.js';

/** Targets whose upload has started in this process and is not settled: what an interrupted run reports. */
const inFlight = new Set<string>();

export interface StoredPush {
  bytes: Buffer;
  file: string;
  /** True when this is a pending push a run could not settle. */
  unsettled: boolean;
  /** The records that may describe it: its own first. */
  records: (PushRecord | undefined)[];
}

/** What is being pushed: the exact bytes, and how many rows (users) they hold. */
export interface PushContent {
  bytes: Uint8Array;
  rows: number;
  /** Rows the service rejected without saying which (kept in the file, noted in the record). */
  unidentifiedRejections?: number;
  /** The service said it rejected rows without saying which or how many (noted in the record). */
  rejectionsUncounted?: true;
}

export function pendingFileFor(lastPushFile: string): string {
  return join(dirname(lastPushFile), `pending-push${extname(lastPushFile)}`);
}

/** The last push, or the pending one if a run left it; undefined before the first push. */
export function readStoredPush(lastPushFile: string): StoredPush | undefined {
  const pending = pendingFileFor(lastPushFile);
  const unsettled = readStateFile(pending);
  if (unsettled !== undefined) return { bytes: unsettled, file: pending, unsettled: true, records: [readPushRecord(pending)] };
  const bytes = readStateFile(lastPushFile);
  if (bytes === undefined) {
    // A record is written only after its file, and deleted with it: one alone means the state
    // folder lost its last push, which must not pass for a first push (the file to compare with
    // is what the safety checks need; --first-push would skip them).
    const orphan = readPushRecord(lastPushFile);
    if (orphan !== undefined) throw lostPushError(lastPushFile, orphan);
    return undefined;
  }
  // A run stopped between settling the file and its record leaves the new record as pending.
  return { bytes, file: lastPushFile, unsettled: false, records: [readPushRecord(lastPushFile), readPushRecord(pending)] };
}

function lostPushError(lastPushFile: string, record: PushRecord): BaselineMismatchError {
  const recordFile = basename(recordFileFor(lastPushFile));
  return new BaselineMismatchError(
    `${lastPushFile} is missing, but ${recordFile} beside it records a push of ${record.rows} rows: the state folder lost its last push, so the safety checks have nothing to compare with`,
    {
      hint: `Restore ${basename(lastPushFile)} from a backup of the state folder. If none is left, delete ${recordFile} too: the next push is then a first push, made by hand with --first-push after checking the file it would send.`,
    },
  );
}

/**
 * The stored push, checked against its record (exit 2 when it is not what roster recorded).
 * `rows`: what the caller counted in it; `reported`: the newest run report's count, for a file an
 * earlier roster wrote without a record.
 */
export function checkStoredPush(stored: StoredPush, rows: number, reported: () => ReportedPush | undefined): { record?: PushRecord; warning?: string } {
  return checkRecordedPush(stored.file, stored.bytes, rows, stored.records, reported);
}

/** Writes what is about to be sent as the pending push; a state folder that cannot take it stops the run before anything is sent. */
export function beginPush(target: string, lastPushFile: string, content: PushContent): void {
  const pending = pendingFileFor(lastPushFile);
  try {
    mkdirSync(dirname(pending), { recursive: true });
    writePending(pending, content);
  } catch (error) {
    throw stateFolderError(`cannot write ${pending} before the upload (nothing was sent)`, error);
  }
  inFlight.add(target);
}

/**
 * The record first: a pending file is never without the record that vouches for it. `sent`: what
 * was sent, when the file is what the service accepted of it (the record vouches for both).
 */
function writePending(pending: string, content: PushContent, sent?: PushRecord): void {
  writePushRecord(pending, pushRecordOf(content.bytes, content.rows, content, sent));
  writeFileAtomic(pending, content.bytes);
}

/**
 * The service accepted the push: it becomes the last push. `accepted`: what the service holds when
 * that is not the whole file sent (it rejected some rows).
 */
export function settlePush(target: string, lastPushFile: string, accepted?: PushContent): void {
  const pending = pendingFileFor(lastPushFile);
  try {
    if (accepted !== undefined) writePending(pending, accepted, readPushRecord(pending));
    renameSync(pending, lastPushFile);
    renameSync(recordFileFor(pending), recordFileFor(lastPushFile));
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
  const pending = pendingFileFor(lastPushFile);
  try {
    rmSync(pending, { force: true });
    rmSync(recordFileFor(pending), { force: true });
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
