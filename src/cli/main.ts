// roster's command line: global options and the command modules. Each command lives in
// src/cli/commands/; failures become exit codes in platform/log/failure.ts. What a user runs is the bundle of
// this file, dist/bin/roster.cjs (no top-level await here: the bundle is CommonJS).
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import type { GlobalOptions } from './run.js';
import { ExitCode } from '../platform/errors.js';
import { reportFailure } from '../platform/log/failure.js';
import { createLogger, usageErrorLine } from '../platform/log/logger.js';
import { shippedText } from '../platform/paths.js';

const version = (JSON.parse(shippedText('package.json')) as { version: string }).version;
// The Node.js version and platform too: a single executable carries its own Node.js, which an
// admin cannot otherwise see (and support needs to know which build runs).
const versionLine = `${version} (Node.js ${process.version}, ${process.platform}-${process.arch})`;

// Each command module pulls in what only it needs (the HTTP, OAuth and multipart stack, the
// scheduler, the diagnostics...), so only the commands named on the line are loaded. With no
// command name on the line (roster --help, a typo) all are, so help and errors list them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<GlobalOptions, any>;
const COMMANDS: Record<string, () => Promise<AnyCommand>> = {
  export: async () => (await import('./commands/export.js')).exportCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
  upload: async () => (await import('./commands/upload.js')).uploadCommand,
  officevibe: async () => (await import('./commands/officevibe.js')).officevibeCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  schedule: async () => (await import('./commands/schedule.js')).scheduleCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  notify: async () => (await import('./commands/notify.js')).notifyCommand,
};

/** The Nagios convention's UNKNOWN, which `roster status` exits with for its own problems. */
const STATUS_UNKNOWN = 3;

async function main(): Promise<void> {
  const args = hideBin(process.argv);
  const named = Object.keys(COMMANDS).filter((name) => args.includes(name));
  const commands = await Promise.all((named.length > 0 ? named : Object.keys(COMMANDS)).map((name) => COMMANDS[name]!()));

  const cli = yargs(args)
    .scriptName('roster')
    .usage('$0 <command> [options]\n\nKeeps SaaS people directories in step with Active Directory or LDAP.')
    .option('config', {
      type: 'string',
      default: './config.json',
      describe: 'The config file',
      global: true,
      coerce: (value: unknown) => {
        if (Array.isArray(value)) throw new Error('--config is given more than once; name one config file');
        return value as string;
      },
    })
    .option('verbose', { type: 'boolean', describe: 'Explain each step', global: true })
    .option('quiet', { type: 'boolean', describe: 'Only warnings, errors and the result', global: true })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'json: one JSON object per line', global: true })
    .option('log-file', { type: 'string', describe: 'Append log lines to this file', global: true })
    .option('secrets-dir', {
      type: 'string',
      describe: 'A folder with one file per secret variable (e.g. ROSTER_BIND_PASSWORD), read when the variable is not set',
      global: true,
    })
    .conflicts('verbose', 'quiet') as unknown as Argv<GlobalOptions>; // yargs adds the camelCase names (logFormat) at run time

  await cli
    .command(commands)
    .demandCommand(1, 'Name a command; see roster --help.')
    .strict()
    // "exprot" → "Did you mean export?"
    .recommendCommands()
    .version(versionLine)
    .help()
    // Never narrower than 60: below that an example's path (C:\\roster\\config.json) no longer fits
    // its column and would be cut mid-word; the terminal wraps the longer lines instead.
    .wrap(Math.max(60, Math.min(110, process.stdout.columns || 100)))
    .fail((message, error) => {
      // yargs's own errors (YError, e.g. from an option's coerce) are usage errors; others are bugs.
      if (error && error.name !== 'YError') throw error;
      let text = message ?? error?.message ?? 'invalid usage';
      // recommendCommands() says only "Did you mean export?": say what was not understood first.
      if (text.startsWith('Did you mean')) text = `unknown command "${args.find((arg) => !arg.startsWith('-')) ?? ''}". ${text}`;
      process.stderr.write(`${usageErrorLine(text, args)}\n`);
      // roster status is a monitoring plugin: a problem of its own is UNKNOWN (3), said on stdout.
      if (named.length === 1 && named[0] === 'status') {
        process.stdout.write(`ROSTER UNKNOWN - ${text}\n`);
        process.exit(STATUS_UNKNOWN);
      }
      process.exit(ExitCode.invalidInput);
    })
    .parseAsync();
}

// Every command reports its own failures (cli/run.ts); what reaches here is a bug, reported
// the same way, on stderr, since the command line's log options may not have been read.
main().catch((error: unknown) => {
  process.exitCode = reportFailure(error, createLogger({ format: 'text', verbosity: 'normal', logFile: undefined }), true).exitCode;
});
