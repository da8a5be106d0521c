// The state folder: the last successfully pushed file per target and a report of every run.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SafetyRefusal } from '../errors.js';
import { writeFileAtomic } from '../file/atomicWrite.js';
import { checkIlobbyCsv } from '../file/readCsv.js';
import type { RowList } from '../rows/rowStore.js';

export function lastPushFile(stateDir: string, target: string): string {
  return join(stateDir, safeName(target), 'last-push.csv');
}

/** The rows of the last successful push to `target`, or undefined if there was none. */
export function readLastPush(stateDir: string, target: string): RowList | undefined {
  const file = lastPushFile(stateDir, target);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const { rows, problems } = checkIlobbyCsv(bytes);
  if (problems.length > 0) {
    // Without a readable last push the disable checks cannot be evaluated: refuse rather than guess.
    throw new SafetyRefusal(`the last push's file ${file} is not readable (${problems[0]}), so the safety checks cannot be evaluated`, {
      hint: 'Restore it from a backup, or delete it to start over (the next push is then checked only for an empty roster).',
    });
  }
  return rows;
}

/** Records `csvFile` as the last successful push; atomic, so a crash leaves the previous state. */
export function recordPush(stateDir: string, target: string, csvFile: string): void {
  const file = lastPushFile(stateDir, target);
  mkdirSync(join(stateDir, safeName(target)), { recursive: true });
  writeFileAtomic(file, readFileSync(csvFile));
}

export function writeRunReport(stateDir: string, report: { command: string; startedAt: string }, content: unknown): string {
  const file = runReportFile(stateDir, report);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

/** Where a run's report goes: <stateDir>/reports/<start time>-<command>.json, so names sort by time. */
export function runReportFile(stateDir: string, report: { command: string; startedAt: string }): string {
  return join(stateDir, 'reports', `${report.startedAt.replace(/[:.]/g, '-')}-${report.command}.json`);
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
