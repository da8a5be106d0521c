// The run reports of the state folder: one JSON file per run in <stateDir>/reports.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomicWrite.js';
import { stateFolderError } from './files.js';
import type { ReportedPush } from './pushRecord.js';

export function writeRunReport(stateDir: string, report: { command: string; startedAt: string }, content: unknown): string {
  const file = runReportFile(stateDir, report);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  } catch (error) {
    throw stateFolderError(`cannot write the run report ${file}`, error);
  }
  return file;
}

/** Where a run's report goes: <stateDir>/reports/<start time>-<command>.json, so names sort by time. */
export function runReportFile(stateDir: string, report: { command: string; startedAt: string }): string {
  return join(stateDir, 'reports', `${report.startedAt.replace(/[:.]/g, '-')}-${report.command}.json`);
}

export type RunReportFile = { file: string; report: Record<string, unknown> };

/** Every report in the state folder, oldest first; an unreadable one is skipped (it cannot say more). */
export function readRunReports(stateDir: string): RunReportFile[] {
  const folder = join(stateDir, 'reports');
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const reports: RunReportFile[] = [];
  for (const name of names) {
    const file = join(folder, name);
    try {
      const report = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (typeof report === 'object' && report !== null && !Array.isArray(report)) reports.push({ file, report: report as Record<string, unknown> });
    } catch {
      // a report being written by a run right now, or damaged by hand: not evidence either way
    }
  }
  return reports;
}

/**
 * The rows the newest report that records a push gives: `rowsPushed` reads them from one report
 * (undefined when it records no push to the target in question). For a baseline an earlier roster
 * wrote without a record; an unreadable reports folder vouches for nothing.
 */
export function lastReportedPush(stateDir: string, rowsPushed: (report: Record<string, unknown>) => number | undefined): ReportedPush | undefined {
  let reports: RunReportFile[];
  try {
    reports = readRunReports(stateDir);
  } catch {
    return undefined;
  }
  for (const { file, report } of reports.reverse()) {
    const rows = rowsPushed(report);
    if (rows !== undefined) return { rows, report: file };
  }
  return undefined;
}
