#!/usr/bin/env node
// roster's entry point: global options and the command modules. Each command lives in
// src/commands/; failures become exit codes in commands/run.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './commands/check.js';
import { exportCommand } from './commands/export.js';
import { initCommand } from './commands/init.js';
import { scheduleCommand } from './commands/schedule.js';
import { officevibeCommand } from './commands/officevibe.js';
import { syncCommand } from './commands/sync.js';
import { uploadCommand } from './commands/upload.js';
import type { GlobalOptions } from './commands/run.js';
import { ExitCode } from './errors.js';
import { usageErrorLine } from './log/logger.js';
import { packageRoot } from './paths.js';

const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

const cli = yargs(hideBin(process.argv))
  .scriptName('roster')
  .usage('$0 <command> [options]\n\nKeeps SaaS people directories in step with Active Directory or LDAP.')
  .option('config', {
    type: 'string', default: './config.json', describe: 'The config file', global: true,
    coerce: (value: unknown) => {
      if (Array.isArray(value)) throw new Error('--config is given more than once; name one config file');
      return value as string;
    },
  })
  .option('verbose', { type: 'boolean', describe: 'Explain each step', global: true })
  .option('quiet', { type: 'boolean', describe: 'Only warnings, errors and the result', global: true })
  .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'json: one JSON object per line', global: true })
  .option('log-file', { type: 'string', describe: 'Append log lines to this file', global: true })
  .conflicts('verbose', 'quiet') as unknown as Argv<GlobalOptions>; // yargs adds the camelCase names (logFormat) at run time

await cli
  .command(exportCommand)
  .command(syncCommand)
  .command(uploadCommand)
  .command(officevibeCommand)
  .command(checkCommand)
  .command(initCommand)
  .command(scheduleCommand)
  .demandCommand(1, 'Name a command; see roster --help.')
  .strict()
  .version(version)
  .help()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((message, error) => {
    // yargs's own errors (YError, e.g. from an option's coerce) are usage errors; others are bugs.
    if (error && error.name !== 'YError') throw error;
    process.stderr.write(`${usageErrorLine(message ?? error?.message ?? 'invalid usage', hideBin(process.argv))}\n`);
    process.exit(ExitCode.invalidInput);
  })
  .parseAsync();
