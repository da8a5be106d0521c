// The run reports of the state folder: one JSON file per run in <stateDir>/reports.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomicWrite.js';
import { stateFolderError } from './files.js';

export function writeRunReport(stateDir: string, report: { command: string; startedAt: string }, content: unknown): string {
  const folder = join(stateDir, 'reports');
  const file = join(folder, `${report.startedAt.replace(/[:.]/g, '-')}-${report.command}.json`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  } catch (error) {
    throw stateFolderError(`cannot write the run report ${file}`, error);
  }
  return file;
}
