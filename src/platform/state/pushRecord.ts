// What roster knew of a push when it recorded it: the file's row count, size and SHA-256, kept
// beside the file as <name>.record.json. The next run compares with that file and trusts its
// counts to decide how many people a push would disable; a file cut at a line boundary, emptied
// to its header or replaced by hand would make a partial roster look harmless. A baseline that
// does not match its record is refused (exit 2).
//
// A baseline written before records existed has none. It is checked against the row count the
// newest run report gives for that target's last upload (every push wrote one), and one with no
// rows at all is refused, since roster never pushes an empty roster.
import { createHash } from 'node:crypto';
import { basename, dirname, extname, join } from 'node:path';
import { BaselineMismatchError } from '../errors.js';
import { writeFileAtomic } from '../atomicWrite.js';
import { readStateFile } from './files.js';

/** A file's size, row count and SHA-256. */
export interface FileDigest {
  /** Rows (iLobby) or users (Officevibe) in the file. */
  rows: number;
  bytes: number;
  sha256: string;
}

export interface PushRecord extends FileDigest {
  /** Rows the service said it rejected without saying which: the file holds them, the service does not. */
  unidentifiedRejections?: number;
  /** The service said it rejected rows without saying which or how many: the file may hold rows the service does not. */
  rejectionsUncounted?: true;
  /**
   * When the service rejected rows, the file holds what it accepted; this is what was sent. A
   * pending file still holding it (the settle was cut short) matches the record too.
   */
  sent?: FileDigest;
}

/** `last-push.csv` → `last-push.record.json`. */
export function recordFileFor(pushFile: string): string {
  return join(dirname(pushFile), `${basename(pushFile, extname(pushFile))}.record.json`);
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function pushRecordOf(
  bytes: Uint8Array,
  rows: number,
  rejections: Pick<PushRecord, 'unidentifiedRejections' | 'rejectionsUncounted'> = {},
  sent?: FileDigest,
): PushRecord {
  const { unidentifiedRejections = 0, rejectionsUncounted } = rejections;
  return {
    rows,
    bytes: bytes.length,
    sha256: sha256Of(bytes),
    ...(unidentifiedRejections > 0 ? { unidentifiedRejections } : {}),
    ...(rejectionsUncounted === true ? { rejectionsUncounted } : {}),
    ...(sent === undefined ? {} : { sent: { rows: sent.rows, bytes: sent.bytes, sha256: sent.sha256 } }),
  };
}

export function writePushRecord(pushFile: string, record: PushRecord): void {
  writeFileAtomic(recordFileFor(pushFile), `${JSON.stringify(record, null, 2)}\n`);
}

/** The record beside `pushFile`, undefined when there is none; one that is not a record is a mismatch. */
export function readPushRecord(pushFile: string): PushRecord | undefined {
  const file = recordFileFor(pushFile);
  const bytes = readStateFile(file);
  if (bytes === undefined) return undefined;
  let record: Partial<PushRecord> | undefined;
  try {
    record = JSON.parse(bytes.toString('utf8')) as Partial<PushRecord>;
  } catch {
    record = undefined;
  }
  if (typeof record?.rows !== 'number' || typeof record.bytes !== 'number' || typeof record.sha256 !== 'string') {
    throw new BaselineMismatchError(`${file} is not a push record roster wrote (it should hold rows, bytes and sha256)`, { hint: RESTORE_HINT });
  }
  return record as PushRecord;
}

const RESTORE_HINT =
  'Restore the state folder from a backup. If none is left, delete the file and the .record.json beside it to start over: the next push is then a first push, made by hand with --first-push after checking the CSV.';

/** What the newest run report says was pushed (for a baseline without a record). */
export interface ReportedPush {
  rows: number;
  report: string;
}

/**
 * Throws BaselineMismatchError unless `bytes`, read from `file` and holding `rows` rows, is the push
 * a record describes. `records`: the file's own record first, then one that may describe it too (a
 * run stopped between the two renames that settle a push). Returns the matching record, or, for a
 * baseline without a record, a warning when nothing could vouch for it.
 */
export function checkRecordedPush(
  file: string,
  bytes: Uint8Array,
  rows: number,
  records: readonly (PushRecord | undefined)[],
  reported: () => ReportedPush | undefined,
): { record?: PushRecord; warning?: string } {
  const sha256 = sha256Of(bytes);
  const describes = (digest: FileDigest | undefined) => digest !== undefined && digest.sha256 === sha256 && digest.bytes === bytes.length;
  const record = records.find((candidate) => candidate !== undefined && (describes(candidate) || describes(candidate.sent)));
  if (record !== undefined) return { record };
  const own = records[0];
  if (own !== undefined) {
    throw new BaselineMismatchError(
      `${file} is not the push roster recorded: it holds ${rows} rows (${bytes.length} bytes), but ${basename(recordFileFor(file))} says ${own.rows} rows (${own.bytes} bytes, SHA-256 ${own.sha256.slice(0, 12)}…); the safety checks would compare with a file that is not what the service holds`,
      { hint: RESTORE_HINT },
    );
  }
  // Written by a roster that kept no record.
  if (rows === 0) {
    throw new BaselineMismatchError(`${file} holds no rows: roster never pushes an empty roster, so it is not a push roster made`, { hint: RESTORE_HINT });
  }
  const last = reported();
  if (last === undefined) {
    return {
      warning: `${file} has no record of its row count and checksum (written by an earlier roster) and no run report counts its rows: it is taken as it is (${rows} rows); the next push records them`,
    };
  }
  if (last.rows !== rows) {
    throw new BaselineMismatchError(
      `${file} holds ${rows} rows, but the run report of that push (${last.report}) says ${last.rows} were sent: the file was cut or changed since`,
      { hint: RESTORE_HINT },
    );
  }
  return {};
}
