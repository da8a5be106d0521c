// The run reports of the state folder: one JSON file per run in <stateDir>/reports.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomicWrite.js';
import { stateFolderError } from './files.js';

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
