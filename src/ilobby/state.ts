// iLobby's part of the state folder: the last successfully pushed file per target, checked
// against its record (row count and checksum) before any run trusts it.
import { join } from 'node:path';
import { BaselineMismatchError } from '../platform/errors.js';
import { checkIlobbyCsv } from './csv/readCsv.js';
import type { RowList } from '../rowstore/rowStore.js';
import { checkStoredPush, readStoredPush } from '../platform/state/pending.js';
import { lastReportedPush } from '../platform/state/reports.js';

export function lastPushFile(stateDir: string, target: string): string {
  return join(stateDir, safeName(target), 'last-push.csv');
}

export interface LastPush {
  rows: RowList;
  file: string;
  /** A push that went out (or may have) without being settled by its run. */
  unsettled: boolean;
  /** Rows the service rejected in that push without saying which: the file holds them, the service does not. */
  unidentifiedRejections: number;
  /** The service said it rejected rows of that push without saying which or how many. */
  rejectionsUncounted: boolean;
  /** Something the operator should know about this baseline (it could not be checked). */
  warning?: string;
}

/** The rows of the last push to `target` (a pending one if a run left it), or undefined if there was none. */
export function readLastPush(stateDir: string, target: string): LastPush | undefined {
  const stored = readStoredPush(lastPushFile(stateDir, target));
  if (stored === undefined) return undefined;
  const { rows, problems } = checkIlobbyCsv(stored.bytes);
  if (problems.length > 0) {
    // Without a readable last push the disable checks cannot be evaluated: refuse rather than guess.
    throw new BaselineMismatchError(`the last push's file ${stored.file} is not readable (${problems[0]}), so the safety checks cannot be evaluated`, {
      hint: 'Restore it from a backup, or delete it and last-push.record.json beside it to start over (the next push is then a first push, made by hand with --first-push).',
    });
  }
  const { record, warning } = checkStoredPush(stored, rows.length, () => lastReportedPush(stateDir, (report) => rowsPushedTo(report, target)));
  return {
    rows,
    file: stored.file,
    unsettled: stored.unsettled,
    unidentifiedRejections: record?.unidentifiedRejections ?? 0,
    rejectionsUncounted: record?.rejectionsUncounted === true,
    ...(warning === undefined ? {} : { warning }),
  };
}

/** The rows a run report says were uploaded to `target`, if it records an upload there. */
function rowsPushedTo(report: Record<string, unknown>, target: string): number | undefined {
  if (!Array.isArray(report.targets)) return undefined;
  const entry = (report.targets as Array<Record<string, unknown>>).find((t) => t.target === target && t.outcome === 'uploaded');
  if (entry === undefined) return undefined;
  const recorded = entry.recordedRows ?? entry.rows;
  return typeof recorded === 'number' ? recorded : undefined;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
